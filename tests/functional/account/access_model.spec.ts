import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import { AccountStateService } from '#services/account/account_state_service'
import type Customer from '#models/customer'
import type Invoice from '#models/invoice'
import type { CustomerRole } from '#models/customer_user'
import { Agent, type AgentResponse } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { smtpSink } from '#tests/helpers/services'
import { mailsSettled } from '#tests/helpers/queues'
import {
  createCustomer,
  createMerchant,
  DEFAULT_PASSWORD,
  linkIn,
  loginAs,
  mailTo,
  pathOf,
  confirmLink,
} from '#tests/helpers/auth'
import { InvoiceIssuer } from '#services/invoices/invoice_issuer'
import { testPeriod } from '#tests/functional/invoices/fixtures'
import { addTransactions, mainOf, notFoundShape } from '#tests/functional/merchant/fixtures'

/*
| The access model (PRODUCT „Access model“): owner, accountant, viewer per customer;
| whatever a role may not open answers exactly like a missing record (404). Someone
| who proves a customer that already has an owner gets an access request, not access.
*/

async function issue(customer: Customer): Promise<Invoice> {
  const issuer = new InvoiceIssuer()
  const prepared = await issuer.prepare(customer.id, testPeriod(2))
  if (prepared.status !== 'ready') throw new Error('expected an invoice')
  return issuer.finish(prepared.invoice)
}

/** A customer with a terminal, a transaction and an invoice, owned by `owner`. */
async function customerWithData() {
  const owner = await createMerchant({
    email: 'inhaber@example.com',
    customers: [{ companyName: 'Rollen Bäckerei GmbH', terminals: [{ monthlyFeeMinor: 1990 }] }],
  })
  const customer = owner.customers[0]
  const terminal = owner.terminals[0]
  const [txId] = await addTransactions(terminal, [{ receiptNumber: 'ROLE-TX-1' }])
  const invoice = await issue(customer)
  return { owner, customer, terminal, txId, invoice }
}

/** A user linked to the customer with the role (the owner's own link for 'owner'). */
async function userWithRole(role: CustomerRole, customer: Customer, ownerEmail: string) {
  if (role === 'owner') return { email: ownerEmail }
  const user = await createMerchant({ email: `${role}@example.com`, customers: [] })
  await user.user.related('customers').attach({
    [customer.id]: { role, proven_by: 'support' },
  })
  return { email: user.user.email }
}

async function requestIdFor(email: string) {
  const row = await db
    .from('access_requests')
    .join('users', 'users.id', 'access_requests.user_id')
    .where('users.email', email)
    .select('access_requests.id', 'access_requests.status')
    .orderBy('access_requests.id', 'desc')
    .first()
  return row as { id: number; status: string } | null
}

async function register(email: string, customerNumber: string, terminalId: string) {
  const agent = new Agent()
  const response = await agent.post(
    '/register',
    {
      email,
      password: DEFAULT_PASSWORD,
      password_confirmation: DEFAULT_PASSWORD,
      consent: 'on',
      customer_number: customerNumber,
      terminal_id: terminalId,
    },
    { csrfFrom: '/register' }
  )
  if (response.location !== '/register/sent') throw new Error('registration not accepted')
  const link = linkIn(await mailTo(email, 'bestätigen'), '/verify-email/')
  const verified = await confirmLink(new Agent(), pathOf(link))
  if (verified.status !== 200) throw new Error('verification failed')
}

test.group('Access model: roles × merchant routes', (group) => {
  group.each.setup(async () => {
    await resetState()
    smtpSink.clear()
  })

  type Expect = Record<CustomerRole, boolean>
  const all: Expect = { owner: true, accountant: true, viewer: true }
  const books: Expect = { owner: true, accountant: true, viewer: false }
  const ownerOnly: Expect = { owner: true, accountant: false, viewer: false }

  for (const role of ['owner', 'accountant', 'viewer'] as const) {
    test('{role}: every merchant route answers with its page or the 404 of a missing record')
      .with([{ role }])
      .run(async ({ assert }, { role: current }) => {
        const { owner, customer, terminal, txId, invoice } = await customerWithData()
        const { email } = await userWithRole(current, customer, owner.user.email)
        const agent = new Agent()
        await loginAs(agent, email, DEFAULT_PASSWORD)
        const missing = await agent.get('/terminals/99999999')
        assert.equal(missing.status, 404)

        const routes: [string, Expect, (page: AgentResponse) => void][] = [
          ['/', all, (page) => assert.include(page.text, 'ROLE-TX-1')],
          ['/customer', books, (page) => assert.include(mainOf(page.text), customer.companyName)],
          ['/terminals', all, (page) => assert.include(page.text, terminal.terminalId)],
          [
            `/terminals/${terminal.terminalId}`,
            all,
            (p) => assert.include(p.text, terminal.terminalId),
          ],
          ['/transactions', all, (page) => assert.include(page.text, 'ROLE-TX-1')],
          [`/transactions/${txId}`, all, (page) => assert.include(page.text, 'ROLE-TX-1')],
          ['/transactions.csv', books, (page) => assert.include(page.text, 'ROLE-TX-1')],
          ['/invoices', books, (page) => assert.include(page.text, invoice.number!)],
          [
            `/invoices/${invoice.id}/pdf`,
            books,
            (page) => assert.equal(page.headers.get('content-type'), 'application/pdf'),
          ],
          ['/account/users', ownerOnly, (page) => assert.include(page.text, 'inhaber@example.com')],
        ]
        for (const [path, expect, check] of routes) {
          const page = await agent.get(path)
          if (expect[current]) {
            assert.equal(page.status, 200, `${current} ${path}`)
            check(page)
          } else {
            assert.equal(page.status, 404, `${current} ${path}`)
            assert.deepEqual(notFoundShape(page), notFoundShape(missing), `${current} ${path}`)
            assert.notInclude(page.text, invoice.number!)
          }
        }

        /* the switch: the linked customer for every role; a foreign one is the shared 404 */
        const switched = await agent.post(
          '/customer-switch',
          { customer: customer.customerNumber, back: '/transactions' },
          { csrfFrom: '/' }
        )
        assert.equal(switched.status, 302)
        assert.equal(switched.location, '/transactions')
        const foreign = await agent.post(
          '/customer-switch',
          { customer: 'L9999999', back: '/' },
          { csrfFrom: '/' }
        )
        assert.equal(foreign.status, 404)

        /* what the role may not open is not offered either */
        const dashboard = await agent.get('/')
        assert.equal(dashboard.text.includes('href="/invoices"'), books[current])
        assert.equal(dashboard.text.includes('href="/account/users"'), ownerOnly[current])
        const list = await agent.get('/transactions')
        assert.equal(list.text.includes('/transactions.csv'), books[current])
      })
  }
})

test.group('Access model: access requests', (group) => {
  group.each.setup(async () => {
    await resetState()
    smtpSink.clear()
  })

  test('an unconfirmed registration that support disabled does not make the real merchant wait as a co-registrant', async ({
    assert,
  }) => {
    const { customer, terminals } = await createCustomer()
    /* someone registers with the customer's number and Terminal-ID but never confirms */
    const squatter = new Agent()
    const sent = await squatter.post(
      '/register',
      {
        email: 'fremd@example.com',
        password: DEFAULT_PASSWORD,
        password_confirmation: DEFAULT_PASSWORD,
        consent: 'on',
        customer_number: customer.customerNumber,
        terminal_id: terminals[0].terminalId,
      },
      { csrfFrom: '/register' }
    )
    assert.equal(sent.location, '/register/sent')
    const stranger = await User.findByOrFail('email', 'fremd@example.com')
    await AccountStateService.disable(stranger, { type: 'system' })

    /* the real merchant registers and confirms: the customer is theirs */
    await register('inhaberin@example.com', customer.customerNumber, terminals[0].terminalId)
    const owner = await User.findByOrFail('email', 'inhaberin@example.com')
    const link = await db
      .from('customer_user')
      .where('customer_id', customer.id)
      .where('user_id', owner.id)
      .first()
    assert.equal(link?.role, 'owner')
    assert.isNull(await requestIdFor('inhaberin@example.com'))
  })

  test('owners hear of a co-registrant only once the address is confirmed; until then there is nothing to approve', async ({
    assert,
  }) => {
    const { owner, customer, terminal } = await customerWithData()
    const response = await new Agent().post(
      '/register',
      {
        email: 'unbestaetigt@example.com',
        password: DEFAULT_PASSWORD,
        password_confirmation: DEFAULT_PASSWORD,
        consent: 'on',
        customer_number: customer.customerNumber,
        terminal_id: terminal.terminalId,
      },
      { csrfFrom: '/register' }
    )
    assert.equal(response.location, '/register/sent')
    const link = linkIn(await mailTo('unbestaetigt@example.com', 'bestätigen'), '/verify-email/')
    await mailsSettled()
    /* anyone can type an address: no mail to the owner, nothing listed, nothing to approve */
    assert.lengthOf(smtpSink.to('inhaber@example.com'), 0)
    const ownerAgent = new Agent()
    await loginAs(ownerAgent, 'inhaber@example.com', owner.password)
    assert.notInclude((await ownerAgent.get('/account/users')).text, 'unbestaetigt@example.com')
    const request = (await requestIdFor('unbestaetigt@example.com'))!
    const early = await ownerAgent.post(
      `/account/users/requests/${request.id}/approve`,
      { role: 'viewer' },
      { csrfFrom: '/account/users' }
    )
    assert.equal(early.status, 404)
    assert.equal((await requestIdFor('unbestaetigt@example.com'))!.status, 'pending')

    /* confirmed: the owner is told and sees the request */
    await confirmLink(new Agent(), pathOf(link))
    const notice = await mailTo('inhaber@example.com', 'Zugriffsanfrage')
    assert.include(notice.parsed.text ?? '', 'unbestaetigt@example.com')
    assert.include((await ownerAgent.get('/account/users')).text, 'unbestaetigt@example.com')
  })

  test('a co-registrant sees nothing until the owner approves from the mail', async ({
    assert,
  }) => {
    const { customer, terminal } = await customerWithData()
    await register('kollege@example.com', customer.customerNumber, terminal.terminalId)

    /* registered and logged in, but nothing of the customer is visible */
    const colleague = new Agent()
    await loginAs(colleague, 'kollege@example.com', DEFAULT_PASSWORD)
    const missing = await colleague.get('/customer?customer=L9999999')
    for (const path of ['/', '/transactions', '/terminals', '/transactions.csv', '/invoices']) {
      const page = await colleague.get(path)
      assert.notInclude(page.text, 'ROLE-TX-1', path)
      assert.notInclude(page.text, terminal.terminalId, path)
      assert.notInclude(page.text, customer.companyName, path)
    }
    const pinned = await colleague.get(`/transactions?customer=${customer.customerNumber}`)
    assert.deepEqual(notFoundShape(pinned), notFoundShape(missing))
    const switched = await colleague.post(
      '/customer-switch',
      { customer: customer.customerNumber, back: '/' },
      { csrfFrom: '/account' }
    )
    assert.equal(switched.status, 404)
    assert.equal((await colleague.get('/account/users')).status, 404)
    assert.lengthOf(await db.from('customer_user').where('customer_id', customer.id), 1)

    /* the owner is told, in their language, with a link to the users page */
    const notice = await mailTo('inhaber@example.com', 'Zugriffsanfrage')
    assert.include(notice.parsed.text ?? '', 'kollege@example.com')
    assert.include(notice.parsed.text ?? '', customer.customerNumber)
    const link = linkIn(notice, '/account/users')

    const owner = new Agent()
    await loginAs(owner, 'inhaber@example.com', DEFAULT_PASSWORD)
    const usersPage = await owner.get(pathOf(link))
    assert.equal(usersPage.status, 200)
    assert.include(usersPage.text, 'Offene Zugriffsanfragen')
    assert.include(usersPage.text, 'kollege@example.com')
    const request = await requestIdFor('kollege@example.com')
    assert.equal(request?.status, 'pending')

    const approved = await owner.post(
      `/account/users/requests/${request!.id}/approve`,
      { role: 'viewer' },
      { csrfFrom: '/account/users' }
    )
    assert.equal(approved.location, '/account/users')
    const after = await owner.follow(approved)
    assert.include(after.text, 'Die Zugriffsanfrage wurde bestätigt.')
    assert.include(after.text, 'Nur Ansicht')

    /* now the colleague sees the data, as a viewer */
    const transactions = await colleague.get('/transactions')
    assert.include(transactions.text, 'ROLE-TX-1')
    assert.equal((await colleague.get('/invoices')).status, 404)
    const link2 = await db
      .from('customer_user')
      .join('users', 'users.id', 'customer_user.user_id')
      .where('users.email', 'kollege@example.com')
      .select('customer_user.role')
      .first()
    assert.equal(link2.role, 'viewer')
    assert.equal((await requestIdFor('kollege@example.com'))?.status, 'approved')
    const audit = await db.from('audit_events').where('action', 'access_request.approved').first()
    assert.isNotNull(audit)
  })

  test('„Kundennummer hinzufügen“ for an owned customer asks; a denied request leaves nothing', async ({
    assert,
  }) => {
    const { customer, terminal } = await customerWithData()
    const other = await createMerchant({ email: 'fremd@example.com', locale: 'en' })
    const agent = new Agent()
    await loginAs(agent, 'fremd@example.com', DEFAULT_PASSWORD)
    const added = await agent.post(
      '/account/customers',
      { customer_number: customer.customerNumber, terminal_id: terminal.terminalId },
      { csrfFrom: '/account' }
    )
    const page = await agent.follow(added)
    assert.include(page.text, 'already has an owner')
    assert.notInclude(mainOf((await agent.get('/transactions')).text), 'ROLE-TX-1')
    await mailTo('inhaber@example.com', 'Zugriffsanfrage')

    const owner = new Agent()
    await loginAs(owner, 'inhaber@example.com', DEFAULT_PASSWORD)
    const request = await requestIdFor('fremd@example.com')
    const denied = await owner.post(
      `/account/users/requests/${request!.id}/deny`,
      {},
      { csrfFrom: '/account/users' }
    )
    assert.include((await owner.follow(denied)).text, 'Die Zugriffsanfrage wurde abgelehnt.')
    assert.notInclude((await owner.get('/account/users')).text, 'fremd@example.com')

    assert.equal((await requestIdFor('fremd@example.com'))?.status, 'denied')
    assert.lengthOf(
      await db.from('customer_user').where({ user_id: other.user.id, customer_id: customer.id }),
      0
    )
    for (const path of ['/', '/transactions', '/terminals']) {
      assert.notInclude((await agent.get(path)).text, 'ROLE-TX-1', path)
    }
    assert.equal((await agent.get(`/?customer=${customer.customerNumber}`)).status, 404)
    assert.isNotNull(await db.from('audit_events').where('action', 'access_request.denied').first())
    /* a decided request cannot be decided again; another owner's request id is the 404 */
    const again = await owner.post(
      `/account/users/requests/${request!.id}/approve`,
      { role: 'owner' },
      { csrfFrom: '/account/users' }
    )
    assert.equal(again.status, 404)
  })

  test('the last owner can be neither removed nor demoted; roles change with an audit row', async ({
    assert,
  }) => {
    const { owner, customer } = await customerWithData()
    await userWithRole('accountant', customer, owner.user.email)
    const agent = new Agent()
    await loginAs(agent, 'inhaber@example.com', DEFAULT_PASSWORD)
    const links = await db.from('customer_user').where('customer_id', customer.id).orderBy('id')
    const [ownLink, accountantLink] = links

    const demote = await agent.post(
      `/account/users/${ownLink.id}/role`,
      { role: 'viewer' },
      { csrfFrom: '/account/users' }
    )
    assert.include((await agent.follow(demote)).text, 'Der letzte Inhaber eines Kunden')
    const remove = await agent.post(
      `/account/users/${ownLink.id}/remove`,
      {},
      {
        csrfFrom: '/account/users',
      }
    )
    assert.include((await agent.follow(remove)).text, 'Der letzte Inhaber eines Kunden')
    assert.equal((await db.from('customer_user').where('id', ownLink.id).first()).role, 'owner')

    const promote = await agent.post(
      `/account/users/${accountantLink.id}/role`,
      { role: 'owner' },
      { csrfFrom: '/account/users' }
    )
    assert.include((await agent.follow(promote)).text, 'Die Rolle wurde geändert.')
    const changed = await db.from('audit_events').where('action', 'customer_user.role_changed')
    assert.lengthOf(changed, 1)

    /* with two owners, one may step down; the other is then the last one */
    const stepDown = await agent.post(
      `/account/users/${ownLink.id}/role`,
      { role: 'accountant' },
      { csrfFrom: '/account/users' }
    )
    assert.equal(stepDown.location, '/account/users')
    assert.equal((await agent.get('/account/users')).status, 404)

    const newOwner = new Agent()
    await loginAs(newOwner, 'accountant@example.com', DEFAULT_PASSWORD)
    const removed = await newOwner.post(
      `/account/users/${ownLink.id}/remove`,
      {},
      {
        csrfFrom: '/account/users',
      }
    )
    assert.include((await newOwner.follow(removed)).text, 'Der Zugriff wurde entfernt.')
    assert.isNull(await db.from('customer_user').where('id', ownLink.id).first())
    assert.notInclude((await agent.get('/transactions')).text, 'ROLE-TX-1')
    assert.isNotNull(await db.from('audit_events').where('action', 'customer_user.removed').first())
  })

  test('an id outside the owner’s customers is the shared 404', async ({ assert }) => {
    const { customer } = await customerWithData()
    const stranger = await createMerchant({ email: 'anderer@example.com' })
    const foreignLink = await db.from('customer_user').where('customer_id', customer.id).first()
    const agent = new Agent()
    await loginAs(agent, stranger.user.email, DEFAULT_PASSWORD)
    for (const path of [
      `/account/users/${foreignLink.id}/remove`,
      `/account/users/${foreignLink.id}/role`,
      '/account/users/999999/remove',
    ]) {
      const response = await agent.post(path, { role: 'viewer' }, { csrfFrom: '/account/users' })
      assert.equal(response.status, 404, path)
    }
    assert.lengthOf(await db.from('customer_user').where('customer_id', customer.id), 1)
  })
})
