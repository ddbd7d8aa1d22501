import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import Ticket from '#models/ticket'
import TicketMessage from '#models/ticket_message'
import AuditEvent from '#models/audit_event'
import type Customer from '#models/customer'
import type { CustomerRole } from '#models/customer_user'
import type User from '#models/user'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { createMerchant, loginAs, mailTo } from '#tests/helpers/auth'
import { notFoundShape } from '#tests/functional/merchant/fixtures'

/*
| „Meine Anfragen“ (docs/requests.md): who sees which request, a new request
| from inside the portal, replies, and what never reaches a merchant's page.
*/

let sequence = 0

/** A ticket as the contact form or the portal leaves it, with its first message. */
async function ticketOf(
  owner: { user?: User | null; customer?: Customer | null },
  options: { status?: Ticket['status']; body?: string; minutesAgo?: number } = {}
) {
  const at = DateTime.now().minus({ minutes: options.minutesAgo ?? 0 })
  const id = ++sequence
  const ticket = await Ticket.create({
    reference: `T-2026-9${String(id).padStart(5, '0')}`,
    userId: owner.user?.id ?? null,
    customerId: owner.customer?.id ?? null,
    customerNumber: owner.customer?.customerNumber ?? null,
    name: owner.user?.fullName ?? 'Erika Mustermann',
    email: owner.user?.email ?? `fremd${id}@example.com`,
    category: 'invoice',
    status: options.status ?? 'open',
    locale: 'de',
    source: owner.user ? 'portal' : 'contact',
    lastMessageAt: at,
    lastRequesterMessageAt: at,
  })
  await TicketMessage.create({
    ticketId: ticket.id,
    authorType: 'requester',
    body: options.body ?? `Frage Nummer ${id} zur Rechnung`,
    internal: false,
    channel: owner.user ? 'portal' : 'contact',
    userId: owner.user?.id ?? null,
  })
  return ticket
}

/** A co-user of the customer with a role (linked by support). */
async function member(customer: Customer, email: string, role: CustomerRole, locale = 'de') {
  const fullName = `Kollegin ${role}`
  const { user, password } = await createMerchant({ email, locale, fullName, customers: [] })
  await user.related('customers').attach({ [customer.id]: { role, proven_by: 'support' } })
  return { user, password }
}

async function loggedIn(email: string, password: string, headers: Record<string, string> = {}) {
  const agent = new Agent(headers)
  await loginAs(agent, email, password)
  return agent
}

/** An owner of one customer with a co-user of each other role. */
async function team() {
  const owner = await createMerchant({
    email: 'inhaber@anfragen.example',
    fullName: 'Ines Inhaber',
    customers: [{ customerNumber: 'L7000001', companyName: 'Anfragen Bäckerei GmbH' }],
  })
  const customer = owner.customers[0]
  const accountant = await member(customer, 'buchhaltung@anfragen.example', 'accountant')
  const viewer = await member(customer, 'ansicht@anfragen.example', 'viewer')
  return { owner, customer, accountant, viewer }
}

test.group('Meine Anfragen', (group) => {
  group.each.setup(() => resetState())

  test('the list shows own tickets and, for the owner, the customer’s; never a stranger’s', async ({
    assert,
  }) => {
    const { owner, customer, accountant } = await team()
    const own = await ticketOf({ user: owner.user, customer }, { minutesAgo: 30 })
    const colleagues = await ticketOf(
      { user: accountant.user, customer },
      { status: 'answered', minutesAgo: 5 }
    )
    const byContactForm = await ticketOf({ customer }, { status: 'closed', minutesAgo: 60 })
    const stranger = await createMerchant({ email: 'fremd@anfragen.example' })
    const foreign = await ticketOf({ user: stranger.user, customer: stranger.customers[0] })
    const nobodys = await ticketOf({})

    const agent = await loggedIn(owner.user.email, owner.password)
    const page = await agent.get('/requests')
    assert.equal(page.status, 200)
    assert.include(page.text, 'Meine Anfragen')
    assert.include(page.text, 'Neue Anfrage')
    for (const ticket of [own, colleagues, byContactForm])
      assert.include(page.text, ticket.reference!)
    for (const ticket of [foreign, nobodys]) assert.notInclude(page.text, ticket.reference!)
    /* newest activity first, statuses as people read them, the category translated */
    const order = [colleagues, own, byContactForm].map((t) => page.text.indexOf(t.reference!))
    assert.deepEqual(
      order,
      [...order].sort((a, b) => a - b)
    )
    assert.include(page.text, 'Wartet auf Kunde')
    assert.include(page.text, 'Gelöst')
    assert.include(page.text, 'Offen')
    assert.include(page.text, 'Rechnung')
    const when = own.lastMessageAt.setZone('Europe/Berlin').toFormat('dd.MM.yyyy HH:mm')
    assert.include(page.text, when)
    /* the owner reads a co-user's request under that user's name */
    const colleagueView = await agent.get(`/requests/${colleagues.id}`)
    assert.equal(colleagueView.status, 200)
    assert.match(colleagueView.text, /<strong>\s*Kollegin accountant\s*<\/strong>/)
    /* the nav entry */
    assert.match(page.text, /<a href="\/requests" aria-current="page">Meine Anfragen<\/a>/)
  })

  test('accountant and viewer see their own requests, not a co-user’s of the same customer', async ({
    assert,
  }) => {
    const { owner, customer, accountant, viewer } = await team()
    const ownersTicket = await ticketOf({ user: owner.user, customer })
    const accountantsTicket = await ticketOf({ user: accountant.user, customer })
    const viewersTicket = await ticketOf({ user: viewer.user, customer })
    const formTicket = await ticketOf({ customer })

    const asAccountant = await loggedIn(accountant.user.email, accountant.password)
    const list = await asAccountant.get('/requests')
    assert.equal(list.status, 200)
    assert.include(list.text, accountantsTicket.reference!)
    for (const ticket of [ownersTicket, viewersTicket, formTicket]) {
      assert.notInclude(list.text, ticket.reference!)
    }
    assert.equal((await asAccountant.get(`/requests/${accountantsTicket.id}`)).status, 200)
    assert.equal((await asAccountant.get(`/requests/${ownersTicket.id}`)).status, 404)

    const asViewer = await loggedIn(viewer.user.email, viewer.password)
    const viewerList = await asViewer.get('/requests')
    assert.include(viewerList.text, viewersTicket.reference!)
    for (const ticket of [ownersTicket, accountantsTicket, formTicket]) {
      assert.notInclude(viewerList.text, ticket.reference!)
    }
    assert.equal((await asViewer.get(`/requests/${accountantsTicket.id}`)).status, 404)
  })

  test('a foreign ticket answers 404 like a missing one, its reply too', async ({ assert }) => {
    const { owner } = await team()
    const stranger = await createMerchant({ email: 'fremd@anfragen.example' })
    const foreign = await ticketOf({ user: stranger.user, customer: stranger.customers[0] })
    const agent = await loggedIn(owner.user.email, owner.password)

    const page = await agent.get(`/requests/${foreign.id}`)
    const missing = await agent.get('/requests/999999')
    assert.equal(page.status, 404)
    assert.deepEqual(notFoundShape(page), notFoundShape(missing))
    assert.notInclude(page.text, foreign.reference!)

    const reply = await agent.post(
      `/requests/${foreign.id}/replies`,
      { body: 'Darf ich hier schreiben?' },
      { csrfFrom: '/requests' }
    )
    assert.equal(reply.status, 404)
    assert.equal(
      await TicketMessage.query()
        .where('ticket_id', foreign.id)
        .count('* as n')
        .then((r) => Number(r[0].$extras.n)),
      1
    )
  })

  test('a new request opens a portal ticket for the customer in view and mails the receipt', async ({
    assert,
  }) => {
    const owner = await createMerchant({
      email: 'neu@anfragen.example',
      fullName: 'Nora Neu',
      customers: [
        { customerNumber: 'L7000011', companyName: 'Erste GmbH' },
        { customerNumber: 'L7000012', companyName: 'Zweite GmbH' },
      ],
    })
    const agent = await loggedIn(owner.user.email, owner.password)
    /* the header switch chose the second customer: the form preselects it */
    await agent.post(
      '/customer-switch',
      { customer: 'L7000012', back: '/requests/new' },
      { csrfFrom: '/requests/new' }
    )
    const form = await agent.get('/requests/new')
    assert.equal(form.status, 200)
    assert.notInclude(form.text, 'altcha')
    assert.match(form.text, /<option value="L7000012" selected>/)
    for (const id of ['category', 'customer', 'message']) {
      assert.include(form.text, `<label for="${id}">`)
    }
    for (const label of [
      'Zugang gesperrt',
      'Registrierung',
      'Rechnung',
      'Stammdaten ändern',
      'Sonstiges',
    ]) {
      assert.include(form.text, label)
    }

    const response = await agent.post(
      '/requests',
      { category: 'invoice', customer: 'L7000012', message: 'Die Oktoberrechnung ist doppelt.' },
      { csrfFrom: '/requests/new' }
    )
    assert.equal(response.status, 302)
    const ticket = await Ticket.query().firstOrFail()
    assert.equal(response.location, `/requests/${ticket.id}`)
    assert.match(ticket.reference!, /^T-\d{4}-\d{6}$/)
    assert.equal(ticket.source, 'portal')
    assert.equal(ticket.userId, owner.user.id)
    assert.equal(ticket.customerId, owner.customers[1].id)
    assert.equal(ticket.customerNumber, 'L7000012')
    assert.equal(ticket.name, 'Nora Neu')
    assert.equal(ticket.email, 'neu@anfragen.example')
    assert.equal(ticket.status, 'open')
    assert.isNotNull(ticket.lastRequesterMessageAt)
    const [message] = await TicketMessage.query().where('ticket_id', ticket.id)
    assert.equal(message.channel, 'portal')
    assert.equal(message.userId, owner.user.id)
    assert.equal(message.body, 'Die Oktoberrechnung ist doppelt.')
    const audit = await AuditEvent.query().where('action', 'ticket.created').firstOrFail()
    assert.equal(audit.actorId, owner.user.id)

    const detail = await agent.follow(response)
    assert.include(detail.text, ticket.reference!)
    assert.include(detail.text, 'Die Oktoberrechnung ist doppelt.')
    assert.match(detail.text, /<strong>\s*Sie\s*<\/strong>/)

    const mail = await mailTo('neu@anfragen.example', ticket.reference!)
    assert.include(mail.parsed.text ?? '', ticket.reference!)
  })

  test('a new request for a customer that is not the user’s is refused with 404', async ({
    assert,
  }) => {
    const owner = await createMerchant({ email: 'neu@anfragen.example' })
    await createMerchant({
      email: 'fremd@anfragen.example',
      customers: [{ customerNumber: 'L7000099' }],
    })
    const agent = await loggedIn(owner.user.email, owner.password)
    const response = await agent.post(
      '/requests',
      { category: 'other', customer: 'L7000099', message: 'Frage zu fremden Daten' },
      { csrfFrom: '/requests/new' }
    )
    assert.equal(response.status, 404)
    assert.equal((await Ticket.all()).length, 0)

    const empty = await agent.post(
      '/requests',
      { category: 'other', customer: owner.customers[0].customerNumber, message: '' },
      { csrfFrom: '/requests/new' }
    )
    assert.equal(empty.status, 302)
    assert.equal(empty.location, '/requests/new')
    const again = await agent.follow(empty)
    assert.include(again.text, 'Bitte füllen Sie dieses Feld aus.')
    assert.equal((await Ticket.all()).length, 0)
  })

  test('a reply from the portal lands in the same ticket and reopens a solved one', async ({
    assert,
  }) => {
    const { owner, customer } = await team()
    const ticket = await ticketOf({ user: owner.user, customer }, { status: 'closed' })
    await TicketMessage.create({
      ticketId: ticket.id,
      authorType: 'staff',
      body: 'Die Gutschrift ist unterwegs.',
      internal: false,
      channel: 'staff',
    })
    const agent = await loggedIn(owner.user.email, owner.password)
    const page = await agent.get(`/requests/${ticket.id}`)
    assert.include(page.text, 'Gelöst')
    assert.include(page.text, 'Support')
    assert.include(page.text, 'Die Gutschrift ist unterwegs.')

    const response = await agent.post(
      `/requests/${ticket.id}/replies`,
      { body: 'Sie ist leider noch nicht angekommen.' },
      { csrfFrom: `/requests/${ticket.id}` }
    )
    assert.equal(response.status, 302)
    assert.equal(response.location, `/requests/${ticket.id}`)
    await ticket.refresh()
    assert.equal(ticket.status, 'open')
    const messages = await TicketMessage.query().where('ticket_id', ticket.id).orderBy('id')
    assert.lengthOf(messages, 3)
    assert.equal(messages[2].body, 'Sie ist leider noch nicht angekommen.')
    assert.equal(messages[2].channel, 'portal')
    assert.equal(messages[2].userId, owner.user.id)
    assert.equal((await Ticket.all()).length, 1)

    const after = await agent.follow(response)
    assert.include(after.text, 'Die Anfrage ist wieder offen.')
    assert.include(after.text, 'Sie ist leider noch nicht angekommen.')
    assert.include(after.text, 'Offen')
  })

  test('an internal note never appears on the merchant’s list or detail page', async ({
    assert,
  }) => {
    const { owner, customer } = await team()
    const ticket = await ticketOf({ user: owner.user, customer }, { minutesAgo: 10 })
    await TicketMessage.create({
      ticketId: ticket.id,
      authorType: 'staff',
      body: 'INTERN: Händler wirkt verdächtig, nichts zusagen.',
      internal: true,
      channel: 'staff',
    })
    const agent = await loggedIn(owner.user.email, owner.password)
    const list = await agent.get('/requests')
    const detail = await agent.get(`/requests/${ticket.id}`)
    assert.equal(detail.status, 200)
    for (const text of [list.text, detail.text]) {
      assert.notInclude(text, 'INTERN')
      assert.notInclude(text, 'verdächtig')
    }
    assert.include(detail.text, ticket.reference!)
  })

  test('a card number typed into a reply is stored masked', async ({ assert }) => {
    const { owner, customer } = await team()
    const ticket = await ticketOf({ user: owner.user, customer })
    const agent = await loggedIn(owner.user.email, owner.password)
    await agent.post(
      `/requests/${ticket.id}/replies`,
      { body: 'Meine Karte 4111 1111 1111 1111 wurde abgelehnt.' },
      { csrfFrom: `/requests/${ticket.id}` }
    )
    const stored = await TicketMessage.query()
      .where('ticket_id', ticket.id)
      .orderBy('id', 'desc')
      .firstOrFail()
    assert.include(stored.body, 'wurde abgelehnt.')
    assert.notMatch(stored.body.replace(/\s/g, ''), /4111111111111111/)
    assert.include(stored.body.replace(/\s/g, ''), '411111')
    const page = await agent.get(`/requests/${ticket.id}`)
    assert.notMatch(page.text.replace(/\s/g, ''), /4111111111111111/)
  })

  test('forms without a CSRF token are refused', async ({ assert }) => {
    const { owner, customer } = await team()
    const ticket = await ticketOf({ user: owner.user, customer })
    const agent = await loggedIn(owner.user.email, owner.password)
    const created = await agent.postWithoutCsrf('/requests', {
      category: 'other',
      customer: 'L7000001',
      message: 'Ohne Token',
    })
    const replied = await agent.postWithoutCsrf(`/requests/${ticket.id}/replies`, {
      body: 'Ohne Token',
    })
    /* refused: sent back, not on to the ticket */
    assert.notMatch(created.location ?? '', /^\/requests\/\d+$/)
    assert.notEqual(replied.location, `/requests/${ticket.id}`)
    assert.equal((await Ticket.all()).length, 1)
    assert.lengthOf(await TicketMessage.query().where('ticket_id', ticket.id), 1)
  })

  test('logged out, the pages go to the login', async ({ assert }) => {
    const response = await new Agent().get('/requests')
    assert.equal(response.status, 302)
    assert.match(response.location ?? '', /\/login/)
  })

  test('English texts with locale en', async ({ assert }) => {
    const { owner, customer } = await team()
    const ticket = await ticketOf({ user: owner.user, customer }, { status: 'answered' })
    await TicketMessage.create({
      ticketId: ticket.id,
      authorType: 'staff',
      body: 'Please check your bank statement.',
      internal: false,
      channel: 'staff',
    })
    owner.user.locale = 'en'
    await owner.user.save()
    const agent = await loggedIn(owner.user.email, owner.password, { 'accept-language': 'en' })
    const list = await agent.get('/requests')
    assert.include(list.text, 'My requests')
    assert.include(list.text, 'New request')
    assert.include(list.text, 'Waiting for customer')
    assert.include(list.text, 'Invoice')
    assert.include(list.text, 'Last activity')
    assert.notInclude(list.text, 'Meine Anfragen')
    const when = ticket.lastMessageAt.setZone('Europe/Berlin').toFormat('dd/MM/yyyy HH:mm')
    assert.include(list.text, when)

    const detail = await agent.get(`/requests/${ticket.id}`)
    assert.include(detail.text, `Request ${ticket.reference}`)
    assert.include(detail.text, 'Send reply')
    assert.include(detail.text, 'You')
    assert.include(detail.text, 'Support')

    const form = await agent.get('/requests/new')
    assert.include(form.text, 'What is it about?')
    assert.include(form.text, 'Change master data')

    const empty = await new Agent({ 'accept-language': 'en' })
    const other = await createMerchant({ email: 'leer@anfragen.example', locale: 'en' })
    await loginAs(empty, other.user.email, other.password)
    const none = await empty.get('/requests')
    assert.include(none.text, 'You have not made any requests yet.')
  })
})
