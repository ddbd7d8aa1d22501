import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import Ticket from '#models/ticket'
import TicketMessage from '#models/ticket_message'
import SavedReply from '#models/saved_reply'
import AuditEvent from '#models/audit_event'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { smtpSink } from '#tests/helpers/services'
import { recipients } from '#demo/smtp_sink'
import { createMerchant, loginAs } from '#tests/helpers/auth'
import { createStaff, loginStaff } from '#tests/helpers/staff'
import { TicketService } from '#services/admin/ticket_service'
import { publicMessages } from '#services/tickets/conversation'

async function openTicket(overrides: Partial<Parameters<typeof TicketService.open>[0]> = {}) {
  return TicketService.open({
    name: 'Erika Mustermann',
    email: `anfrage-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`,
    customerNumber: null,
    category: 'other',
    message: 'Bitte rufen Sie mich zurück.',
    userId: null,
    locale: 'de',
    ...overrides,
  })
}

async function agentFor(options: Parameters<typeof createStaff>[0] = {}) {
  const agent = new Agent()
  const staff = await createStaff(options)
  await loginStaff(agent, staff)
  return { agent, staff: staff.staff }
}

const staffActions = async (staffId: number) =>
  (
    await AuditEvent.query().where('actor_type', 'staff').where('actor_id', staffId).orderBy('id')
  ).map((event) => event.action)

test.group('Admin tickets / agents’ tools', (group) => {
  group.each.setup(() => resetState())

  test('the contact form’s ticket records its channel and the merchant’s last message', async ({
    assert,
  }) => {
    const ticket = await openTicket()
    assert.equal(ticket.source, 'contact')
    assert.isNotNull(ticket.lastRequesterMessageAt)
    const [first] = await TicketMessage.query().where('ticket_id', ticket.id)
    assert.equal(first.channel, 'contact')
    assert.isFalse(first.internal)
  })

  test('an agent sets each of the three statuses, shown with the new labels and audited', async ({
    assert,
  }) => {
    const ticket = await openTicket()
    const { agent, staff } = await agentFor()
    const path = `/admin/tickets/${ticket.id}`
    let page = await agent.get(path)
    assert.match(page.text, /data-ticket-status>Offen</)
    assert.include(page.text, '<option value="answered"')
    assert.include(page.text, 'Wartet auf Kunde')

    for (const [status, label] of [
      ['answered', 'Wartet auf Kunde'],
      ['closed', 'Gelöst'],
      ['open', 'Offen'],
    ]) {
      const response = await agent.post(`${path}/status`, { status }, { csrfFrom: path })
      assert.equal(response.location, path)
      page = await agent.follow(response)
      assert.include(page.text, `Der Status ist jetzt „${label}“.`)
      assert.match(page.text, new RegExp(`data-ticket-status>${label}<`))
      await ticket.refresh()
      assert.equal(ticket.status, status)
    }
    assert.includeMembers(await staffActions(staff.id), [
      'ticket.waiting',
      'ticket.closed',
      'ticket.reopened',
    ])
    const refused = await agent.post(`${path}/status`, { status: 'deleted' }, { csrfFrom: path })
    assert.equal(refused.location, path)
    await ticket.refresh()
    assert.equal(ticket.status, 'open')

    await openTicket().then(async (t) => {
      t.status = 'answered'
      await t.save()
    })
    const list = await agent.get('/admin/tickets?status=all')
    assert.include(list.text, 'Wartet auf Kunde')
    assert.notInclude(list.text, 'Beantwortet')
    const english = new Agent({ 'accept-language': 'en' })
    await loginStaff(english, await createStaff())
    const englishList = await english.get('/admin/tickets?status=all')
    assert.include(englishList.text, 'Waiting for customer')
    assert.include(englishList.text, '>Solved<')
  })

  test('assignment to an agent or to oneself is audited and filters the list', async ({
    assert,
  }) => {
    const mine = await openTicket({ name: 'Meine Kundin' })
    const theirs = await openTicket({ name: 'Kundin von Bert' })
    const nobodys = await openTicket({ name: 'Niemandes Kundin' })
    const { agent, staff } = await agentFor({ fullName: 'Anna Agentin' })
    const bert = (await createStaff({ fullName: 'Bert Bearbeiter' })).staff

    const minePath = `/admin/tickets/${mine.id}`
    const page = await agent.get(minePath)
    assert.include(page.text, 'Mir zuweisen')
    assert.include(page.text, `<option value="${bert.id}"`)
    await agent.post(`${minePath}/assign`, { assignee: 'me' }, { csrfFrom: minePath })
    const theirsPath = `/admin/tickets/${theirs.id}`
    const assigned = await agent.post(
      `${theirsPath}/assign`,
      { assignee: String(bert.id) },
      { csrfFrom: theirsPath }
    )
    assert.include((await agent.follow(assigned)).text, 'Die Zuweisung ist gespeichert.')
    await mine.refresh()
    await theirs.refresh()
    assert.equal(mine.assignedStaffId, staff.id)
    assert.equal(theirs.assignedStaffId, bert.id)

    const disabled = (await createStaff({ fullName: 'Dora Deaktiviert', state: 'disabled' })).staff
    const nobodyPath = `/admin/tickets/${nobodys.id}`
    const refused = await agent.post(
      `${nobodyPath}/assign`,
      { assignee: String(disabled.id) },
      { csrfFrom: nobodyPath }
    )
    assert.include(
      (await agent.follow(refused)).text,
      'Diesem Bearbeiter kann kein Ticket zugewiesen werden.'
    )
    await nobodys.refresh()
    assert.isNull(nobodys.assignedStaffId)

    const events = await AuditEvent.query().where('action', 'ticket.assigned').orderBy('id')
    assert.lengthOf(events, 2)
    assert.equal(events[0].actorId, staff.id)

    const minelist = await agent.get('/admin/tickets?assignee=me')
    assert.include(minelist.text, 'Meine Kundin')
    assert.notInclude(minelist.text, 'Kundin von Bert')
    assert.notInclude(minelist.text, 'Niemandes Kundin')
    assert.include(minelist.text, 'Anna Agentin')

    const bertList = await agent.get(`/admin/tickets?assignee=${bert.id}`)
    assert.include(bertList.text, 'Kundin von Bert')
    assert.include(bertList.text, 'Bert Bearbeiter')
    assert.notInclude(bertList.text, 'Meine Kundin')

    const noneList = await agent.get('/admin/tickets?assignee=none')
    assert.include(noneList.text, 'Niemandes Kundin')
    assert.notInclude(noneList.text, 'Meine Kundin')

    /* unassign */
    await agent.post(`${minePath}/assign`, { assignee: '' }, { csrfFrom: minePath })
    await mine.refresh()
    assert.isNull(mine.assignedStaffId)
    assert.include(await staffActions(staff.id), 'ticket.unassigned')
  })

  test('an internal note is shown to agents only: not in the reply mail, not on the merchant’s page', async ({
    assert,
  }) => {
    const merchant = await createMerchant()
    const ticket = await openTicket({ email: merchant.user.email, userId: merchant.user.id })
    await Ticket.query().where('id', ticket.id).update({ customer_id: merchant.customers[0].id })
    const { agent, staff } = await agentFor()
    const path = `/admin/tickets/${ticket.id}`
    const secret = 'Kunde ist schwierig, Rückruf nur durch Teamleitung'

    const empty = await agent.post(`${path}/notes`, { note: ' ' }, { csrfFrom: path })
    assert.equal(empty.location, `${path}#note`)
    assert.include((await agent.follow(empty)).text, 'Bitte schreiben Sie eine Notiz.')

    const saved = await agent.post(`${path}/notes`, { note: secret }, { csrfFrom: path })
    assert.equal(saved.location, path)
    const page = await agent.follow(saved)
    assert.include(page.text, 'Die interne Notiz ist gespeichert.')
    assert.include(page.text, secret)
    assert.include(page.text, 'data-internal-note')
    assert.include(page.text, 'Intern')

    const note = await TicketMessage.query()
      .where('ticket_id', ticket.id)
      .where('internal', true)
      .firstOrFail()
    assert.equal(note.channel, 'staff')
    assert.equal(note.staffUserId, staff.id)
    assert.include(await staffActions(staff.id), 'ticket.note_added')

    await agent.post(`${path}/reply`, { body: 'Wir kümmern uns darum.' }, { csrfFrom: path })
    const mail = await smtpSink.waitFor(
      (m) => recipients(m).includes(ticket.email) && (m.parsed.subject ?? '').includes('Antwort')
    )
    assert.include(mail.parsed.text ?? '', 'Wir kümmern uns darum.')
    assert.notInclude(mail.parsed.text ?? '', secret)
    assert.notInclude(mail.parsed.html || '', secret)

    const visible = (await publicMessages(ticket.id)).map((m) => m.body)
    assert.notInclude(visible, secret)
    assert.include(visible, 'Wir kümmern uns darum.')

    const merchantAgent = new Agent()
    await loginAs(merchantAgent, merchant.user.email, merchant.password)
    const merchantPage = await merchantAgent.get(`/requests/${ticket.id}`)
    assert.equal(merchantPage.status, 200)
    assert.include(merchantPage.text, 'Wir kümmern uns darum.')
    assert.notInclude(merchantPage.text, secret)
  })

  test('the reply mail answers to the ticket’s reply address and links to the request', async ({
    assert,
  }) => {
    const merchant = await createMerchant()
    const ticket = await openTicket({ email: merchant.user.email, userId: merchant.user.id })
    const anonymous = await openTicket()
    const { agent } = await agentFor()

    for (const item of [ticket, anonymous]) {
      const path = `/admin/tickets/${item.id}`
      await agent.post(`${path}/reply`, { body: 'Hier ist die Antwort.' }, { csrfFrom: path })
    }
    const mail = await smtpSink.waitFor(
      (m) => recipients(m).includes(ticket.email) && (m.parsed.subject ?? '').includes('Antwort')
    )
    await ticket.refresh()
    const replyTo = mail.parsed.replyTo?.value[0]?.address ?? ''
    assert.match(replyTo, /^[^@+]+\+t-\d{4}-\d{6}\.[a-z2-7]{26}@[^@]+$/)
    assert.include(replyTo, `+${ticket.reference!.toLowerCase()}.${ticket.replyToken}@`)
    const text = mail.parsed.text ?? ''
    assert.match(text, new RegExp(`https?://[^\\s]+/requests/${ticket.id}\\b`))
    assert.include(text, 'Sie können einfach auf diese E-Mail antworten')
    assert.include(text, 'Bitte rufen Sie mich zurück.')

    const staffMessage = await TicketMessage.query()
      .where('ticket_id', ticket.id)
      .where('author_type', 'staff')
      .firstOrFail()
    assert.equal(staffMessage.channel, 'staff')
    assert.isFalse(staffMessage.internal)
    assert.equal(ticket.status, 'answered')

    /* a contact-form ticket without an account: answer by mail, no portal link */
    const other = await smtpSink.waitFor(
      (m) => recipients(m).includes(anonymous.email) && (m.parsed.subject ?? '').includes('Antwort')
    )
    assert.isOk(other.parsed.replyTo?.value[0]?.address)
    assert.notInclude(other.parsed.text ?? '', '/requests/')
    assert.include(other.parsed.text ?? '', 'Sie können einfach auf diese E-Mail antworten')
  })

  test('saved replies: admins create, edit and delete; agents insert them with and without JavaScript', async ({
    assert,
  }) => {
    const { agent: admin, staff } = await agentFor({ role: 'admin' })
    const index = await admin.get('/admin/saved-replies')
    assert.equal(index.status, 200)
    assert.include(index.text, 'Noch keine Textbausteine.')

    const refused = await admin.post(
      '/admin/saved-replies',
      { title: 'x', locale: 'de', text: '' },
      { csrfFrom: '/admin/saved-replies/new' }
    )
    assert.equal(refused.location, '/admin/saved-replies/new')
    assert.include((await admin.follow(refused)).text, 'Bitte schreiben Sie den Text.')

    const created = await admin.post(
      '/admin/saved-replies',
      { title: 'Rechnung erklärt', locale: 'de', text: 'Ihre Rechnung setzt sich so zusammen: …' },
      { csrfFrom: '/admin/saved-replies/new' }
    )
    assert.equal(created.location, '/admin/saved-replies')
    assert.include((await admin.follow(created)).text, 'Rechnung erklärt')
    await admin.post(
      '/admin/saved-replies',
      { title: 'Invoice explained', locale: 'en', text: 'Your invoice is made up as follows: …' },
      { csrfFrom: '/admin/saved-replies/new' }
    )
    const german = await SavedReply.findByOrFail('title', 'Rechnung erklärt')
    const english = await SavedReply.findByOrFail('title', 'Invoice explained')

    const edit = `/admin/saved-replies/${german.id}/edit`
    assert.include((await admin.get(edit)).text, 'Ihre Rechnung setzt sich so zusammen')
    await admin.post(
      `/admin/saved-replies/${german.id}`,
      { title: 'Rechnung erklärt', locale: 'de', text: 'Guten Tag, Ihre Rechnung besteht aus …' },
      { csrfFrom: edit }
    )
    await german.refresh()
    assert.equal(german.body, 'Guten Tag, Ihre Rechnung besteht aus …')

    /* an agent (not admin) uses them but may not keep them */
    const { agent } = await agentFor()
    /* the admin-role guard of the area answers 403, as for /admin/audit and /admin/staff */
    assert.equal((await agent.get('/admin/saved-replies')).status, 403)
    const agentDelete = await agent.post(
      `/admin/saved-replies/${german.id}/delete`,
      {},
      { csrfFrom: '/admin' }
    )
    assert.equal(agentDelete.status, 403)
    assert.isNotNull(await SavedReply.find(german.id))
    const ticket = await openTicket({ locale: 'de' })
    const path = `/admin/tickets/${ticket.id}`
    const page = await agent.get(path)
    assert.include(page.text, 'Rechnung erklärt')
    assert.notInclude(page.text, 'Invoice explained')
    assert.include(page.text, 'data-body="Guten Tag, Ihre Rechnung besteht aus …"')
    assert.include(page.text, '/js/admin_saved_replies.js')
    const prefilled = await agent.get(`${path}?saved_reply=${german.id}`)
    assert.match(prefilled.text, /<textarea id="body"[^>]*>Guten Tag, Ihre Rechnung besteht aus …</)

    const englishTicket = await openTicket({ locale: 'en' })
    const englishPage = await agent.get(`/admin/tickets/${englishTicket.id}`)
    assert.include(englishPage.text, 'Invoice explained')
    assert.notInclude(englishPage.text, 'Rechnung erklärt')

    const deleted = await admin.post(
      `/admin/saved-replies/${english.id}/delete`,
      {},
      { csrfFrom: '/admin/saved-replies' }
    )
    assert.equal(deleted.location, '/admin/saved-replies')
    assert.isNull(await SavedReply.find(english.id))
    assert.includeMembers(await staffActions(staff.id), [
      'saved_reply.created',
      'saved_reply.updated',
      'saved_reply.deleted',
    ])
  })

  test('search by reference, e-mail, customer number and message text', async ({ assert }) => {
    const merchant = await createMerchant()
    const number = merchant.customers[0].customerNumber
    const byNumber = await openTicket({ name: 'Nummer Kundin', customerNumber: number })
    const byMail = await openTicket({ name: 'Mail Kundin', email: 'gesucht@example.com' })
    const byText = await openTicket({
      name: 'Text Kundin',
      message: 'Mein Terminal druckt keine Belege mehr',
    })
    const { agent } = await agentFor()

    const search = async (q: string) =>
      (await agent.get(`/admin/tickets?status=all&q=${encodeURIComponent(q)}`)).text

    let text = await search(byText.reference!.toLowerCase())
    assert.include(text, 'Text Kundin')
    assert.notInclude(text, 'Mail Kundin')

    text = await search('Gesucht@Example.com')
    assert.include(text, byMail.reference!)
    assert.notInclude(text, 'Text Kundin')

    text = await search(number.toLowerCase())
    assert.include(text, 'Nummer Kundin')
    assert.notInclude(text, 'Mail Kundin')

    text = await search('druckt keine Belege')
    assert.include(text, 'Text Kundin')
    assert.notInclude(text, 'Nummer Kundin')
    assert.notInclude(text, byNumber.reference!)

    text = await search('100%_nichts')
    assert.include(text, 'Keine Tickets.')
  })

  test('the list shows how long the merchant has waited and sorts by it', async ({ assert }) => {
    const recent = await openTicket({ name: 'Frisch Geschrieben' })
    const waiting = await openTicket({ name: 'Lange Wartend' })
    const oneDay = await openTicket({ name: 'Einen Tag' })
    await Ticket.query()
      .where('id', waiting.id)
      .update({
        last_requester_message_at: DateTime.now().minus({ days: 3, hours: 2 }).toSQL({
          includeOffset: false,
        }),
      })
    await Ticket.query()
      .where('id', oneDay.id)
      .update({
        last_requester_message_at: DateTime.now().minus({ hours: 25 }).toSQL({
          includeOffset: false,
        }),
      })
    /* the created_at order is the other way round */
    await Ticket.query()
      .where('id', recent.id)
      .update({ created_at: DateTime.now().minus({ days: 10 }).toSQL({ includeOffset: false }) })

    const { agent } = await agentFor()
    const list = await agent.get('/admin/tickets?sort=waiting')
    assert.include(list.text, 'vor 3 Tagen')
    assert.include(list.text, 'vor 1 Tag')
    assert.match(list.text, /data-ticket-age>(gerade eben|vor \d+ Minuten?)</)
    assert.isBelow(list.text.indexOf('Lange Wartend'), list.text.indexOf('Einen Tag'))
    assert.isBelow(list.text.indexOf('Einen Tag'), list.text.indexOf('Frisch Geschrieben'))

    const oldest = await agent.get('/admin/tickets')
    assert.isBelow(oldest.text.indexOf('Frisch Geschrieben'), oldest.text.indexOf('Lange Wartend'))

    const english = new Agent({ 'accept-language': 'en' })
    await loginStaff(english, await createStaff())
    const englishList = await english.get('/admin/tickets?sort=waiting')
    assert.include(englishList.text, '3 days ago')
    assert.include(englishList.text, '1 day ago')
  })
})
