import { test } from '@japa/runner'
import Ticket from '#models/ticket'
import TicketMessage from '#models/ticket_message'
import User from '#models/user'
import AuditEvent from '#models/audit_event'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { smtpSink } from '#tests/helpers/services'
import { recipients } from '#demo/smtp_sink'
import { createMerchant, loginAs } from '#tests/helpers/auth'
import { createStaff, loginStaff } from '#tests/helpers/staff'
import { TicketService } from '#services/admin/ticket_service'

const XSS_NAME = '<img src=x onerror=alert(1)>'
const XSS_MESSAGE = 'Hallo "><svg onload=alert(1)> bitte helfen'

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

test.group('Admin tickets', (group) => {
  group.each.setup(() => resetState())

  test('requester text renders escaped in the ticket view and in the reply mail', async ({
    assert,
  }) => {
    const ticket = await openTicket({ name: XSS_NAME, message: XSS_MESSAGE })
    const agent = new Agent()
    await loginStaff(agent, await createStaff())

    const list = await agent.get('/admin/tickets')
    assert.include(list.text, '&lt;img src=x onerror=alert(1)&gt;')
    assert.notInclude(list.text, XSS_NAME)

    const page = await agent.get(`/admin/tickets/${ticket.id}`)
    assert.equal(page.status, 200)
    assert.notInclude(page.text, XSS_NAME)
    assert.notInclude(page.text, '"><svg onload=alert(1)>')
    assert.notInclude(page.text, '<svg')
    assert.include(page.text, '&lt;img src=x onerror=alert(1)&gt;')
    assert.include(page.text, '&quot;&gt;&lt;svg onload=alert(1)&gt;')

    const reply = await agent.post(
      `/admin/tickets/${ticket.id}/reply`,
      { body: 'Wir haben Ihren Zugang geprüft. <b>fett</b>' },
      { csrfFrom: `/admin/tickets/${ticket.id}` }
    )
    assert.equal(reply.location, `/admin/tickets/${ticket.id}`)
    const mail = await smtpSink.waitFor(
      (m) => recipients(m).includes(ticket.email) && (m.parsed.subject ?? '').includes('Antwort')
    )
    const html = mail.parsed.html || ''
    assert.include(mail.parsed.subject ?? '', ticket.reference!)
    assert.notInclude(html, XSS_NAME)
    assert.notInclude(html, '<svg')
    assert.notInclude(html, '<b>fett</b>')
    assert.include(html, '&lt;img src=x onerror=alert(1)&gt;')
    assert.include(html, '&lt;svg onload=alert(1)&gt;')
    assert.include(mail.parsed.text ?? '', 'Wir haben Ihren Zugang geprüft.')
  })

  test('the list is filtered by status and category, oldest open first', async ({ assert }) => {
    const older = await openTicket({ category: 'invoice', name: 'Erster Absender' })
    const newer = await openTicket({ category: 'invoice', name: 'Zweiter Absender' })
    const other = await openTicket({ category: 'registration', name: 'Dritter Absender' })
    await Ticket.query().where('id', older.id).update({ created_at: '2026-01-01 08:00:00' })
    const closed = await openTicket({ name: 'Geschlossener Absender' })
    closed.status = 'closed'
    await closed.save()

    const agent = new Agent()
    await loginStaff(agent, await createStaff())
    const open = await agent.get('/admin/tickets')
    assert.isBelow(open.text.indexOf('Erster Absender'), open.text.indexOf('Zweiter Absender'))
    assert.include(open.text, 'Dritter Absender')
    assert.notInclude(open.text, 'Geschlossener Absender')

    const invoices = await agent.get('/admin/tickets?status=open&category=invoice')
    assert.include(invoices.text, newer.reference!)
    assert.notInclude(invoices.text, other.reference!)

    const closedList = await agent.get('/admin/tickets?status=closed')
    assert.include(closedList.text, 'Geschlossener Absender')
    assert.notInclude(closedList.text, 'Erster Absender')
  })

  test('reply goes through the mail queue with the reference in the subject; „Wartet auf Kunde“, „Gelöst“, „Offen“', async ({
    assert,
  }) => {
    const ticket = await openTicket()
    const agent = new Agent()
    const staff = await createStaff({ fullName: 'Anna Agentin' })
    await loginStaff(agent, staff)
    await agent.post(
      `/admin/tickets/${ticket.id}/reply`,
      { body: 'Wir rufen Sie morgen an.' },
      { csrfFrom: `/admin/tickets/${ticket.id}` }
    )
    const mail = await smtpSink.waitFor(
      (m) => recipients(m).includes(ticket.email) && (m.parsed.subject ?? '').includes('Antwort')
    )
    assert.equal(mail.parsed.subject, `[${ticket.reference}] Antwort auf Ihre Anfrage`)
    await ticket.refresh()
    assert.equal(ticket.status, 'answered')
    const messages = await TicketMessage.query().where('ticket_id', ticket.id).orderBy('id')
    assert.lengthOf(messages, 2)
    assert.equal(messages[1].staffUserId, staff.staff.id)
    const page = await agent.get(`/admin/tickets/${ticket.id}`)
    assert.include(page.text, 'Anna Agentin')
    assert.include(page.text, 'Wir rufen Sie morgen an.')
    assert.match(page.text, /data-ticket-status>Wartet auf Kunde</)

    await agent.post(
      `/admin/tickets/${ticket.id}/status`,
      { status: 'closed' },
      { csrfFrom: `/admin/tickets/${ticket.id}` }
    )
    await ticket.refresh()
    assert.equal(ticket.status, 'closed')
    assert.match(
      (await agent.get(`/admin/tickets/${ticket.id}`)).text,
      /data-ticket-status>Gelöst</
    )
    await agent.post(
      `/admin/tickets/${ticket.id}/status`,
      { status: 'open' },
      { csrfFrom: `/admin/tickets/${ticket.id}` }
    )
    await ticket.refresh()
    assert.equal(ticket.status, 'open')
    assert.match((await agent.get(`/admin/tickets/${ticket.id}`)).text, /data-ticket-status>Offen</)
    const actions = (await AuditEvent.query().where('actor_type', 'staff').orderBy('id')).map(
      (e) => e.action
    )
    assert.includeMembers(actions, ['ticket.replied', 'ticket.closed', 'ticket.reopened'])
  })

  test('unlock from the ticket: the merchant logs in again, the audit log names the agent, the count is 0', async ({
    assert,
  }) => {
    const merchant = await createMerchant()
    /* ten wrong passwords lock the account (the real login) */
    const merchantAgent = new Agent()
    for (let i = 0; i < 10; i++) {
      await merchantAgent.post(
        '/login',
        { email: merchant.user.email, password: `falsch-${i}-falsch-falsch` },
        { csrfFrom: '/login' }
      )
    }
    await merchant.user.refresh()
    assert.equal(merchant.user.state, 'locked')
    assert.equal(merchant.user.lockReason, 'failed_logins')

    const ticket = await openTicket({
      email: merchant.user.email.toUpperCase(),
      category: 'account_locked',
    })
    const agent = new Agent()
    const staff = await createStaff({ fullName: 'Uwe Unlocker' })
    await loginStaff(agent, staff)
    const page = await agent.get(`/admin/tickets/${ticket.id}`)
    assert.include(page.text, 'Gesperrt')
    assert.include(page.text, 'Entsperren')
    assert.include(page.text, `/admin/users/${merchant.user.id}/actions/unlock`)

    const unlock = await agent.post(
      `/admin/users/${merchant.user.id}/actions/unlock`,
      { confirmed: '1', back: `/admin/tickets/${ticket.id}` },
      { csrfFrom: `/admin/tickets/${ticket.id}` }
    )
    assert.equal(unlock.location, `/admin/tickets/${ticket.id}`)
    const after = await agent.follow(unlock)
    assert.include(after.text, 'Der Zugang ist entsperrt.')

    const user = await User.findOrFail(merchant.user.id)
    assert.equal(user.state, 'active')
    assert.isNull(user.lockReason)
    assert.equal(user.failedLoginCount, 0)
    const event = await AuditEvent.query()
      .where('action', 'account.unlocked')
      .where('subject_user_id', user.id)
      .firstOrFail()
    assert.equal(event.actorType, 'staff')
    assert.equal(event.actorId, staff.staff.id)

    /* the audit log page names the agent */
    const admin = new Agent()
    await loginStaff(admin, await createStaff({ role: 'admin' }))
    const audit = await admin.get(`/admin/audit?action=account.unlocked`)
    assert.include(audit.text, 'Uwe Unlocker')

    /* and the merchant can log in again at once */
    await loginAs(new Agent(), merchant.user.email, merchant.password)
  })

  test('a registration ticket offers „Freischalten“ for an account waiting for approval', async ({
    assert,
  }) => {
    const merchant = await createMerchant({ state: 'pending_approval' })
    const ticket = await openTicket({
      email: merchant.user.email,
      category: 'registration',
      customerNumber: merchant.customers[0].customerNumber,
    })
    const agent = new Agent()
    await loginStaff(agent, await createStaff())
    const path = `/admin/tickets/${ticket.id}`
    const page = await agent.get(path)
    assert.include(page.text, 'Wartet auf Freischaltung')
    assert.include(page.text, `/admin/customers/${merchant.customers[0].id}`)
    assert.include(page.text, `/admin/users/${merchant.user.id}/actions/approve`)
    assert.notInclude(page.text, `/admin/users/${merchant.user.id}/actions/unlock`)
    const approve = await agent.post(
      `/admin/users/${merchant.user.id}/actions/approve`,
      { confirmed: '1', back: path },
      { csrfFrom: path }
    )
    assert.equal(approve.location, path)
    assert.equal((await User.findOrFail(merchant.user.id)).state, 'active')
  })

  test('an empty reply is refused with a message and sends nothing', async ({ assert }) => {
    const ticket = await openTicket()
    const agent = new Agent()
    await loginStaff(agent, await createStaff())
    const path = `/admin/tickets/${ticket.id}`
    const response = await agent.post(`${path}/reply`, { body: '  ' }, { csrfFrom: path })
    assert.equal(response.location, path)
    assert.include((await agent.follow(response)).text, 'Bitte schreiben Sie eine Antwort.')
    assert.lengthOf(await TicketMessage.query().where('ticket_id', ticket.id), 1)
    await ticket.refresh()
    assert.equal(ticket.status, 'open')
  })

  test('an unknown ticket id is a 404', async ({ assert }) => {
    const agent = new Agent()
    await loginStaff(agent, await createStaff())
    assert.equal((await agent.get('/admin/tickets/999999')).status, 404)
  })
})
