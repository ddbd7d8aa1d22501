import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import type User from '#models/user'
import Customer from '#models/customer'
import AuditEvent from '#models/audit_event'
import type { CustomerRole } from '#models/customer_user'
import { Totp } from '#services/security/totp'
import { Agent } from '#tests/helpers/agent'
import { smtpSink } from '#tests/helpers/services'
import { mailsSettled } from '#tests/helpers/queues'
import Ticket from '#models/ticket'
import { ownersOf } from '#services/changes/change_recipients'
import { CustomerClaim } from '#services/account/customer_proof'
import { allowedSenders } from '#services/inbound/inbound_mail'
import { resetState } from '#tests/helpers/db'
import { createMerchant, loginAs } from '#tests/helpers/auth'
import { secretFromEnrolmentPage, totpCode } from '#tests/helpers/staff'
import { addTransactions, mainOf, visibleText } from '#tests/functional/merchant/fixtures'

/*
| An owner requires two-factor sign-in for everyone on a customer: a linked user
| without TOTP sees nothing of that customer (like a pending request) and a notice
| on every merchant page, until they enrol; with TOTP nothing changes, and TOTP
| cannot be turned off while a customer requires it.
*/

const NOTICE_DE =
  'Ihr Kunde Pflicht Bäckerei GmbH (K7000001) verlangt die Zwei-Faktor-Anmeldung. Richten Sie sie ein, um die Daten zu sehen.'
const NOTICE_EN =
  'Your customer Pflicht Bäckerei GmbH (K7000001) requires two-factor sign-in. Set it up to see the data.'

/** Switches TOTP on for a user (as after an enrolment); the plain secret. */
async function withTotp(user: User) {
  const secret = Totp.newSecret()
  user.totpSecret = Totp.encryptSecret(secret)
  user.totpEnabledAt = DateTime.now()
  user.recoveryCodes = Totp.newRecoveryCodes().stored
  await user.save()
  return secret
}

/** The owner (with TOTP) of a customer with one terminal and one transaction. */
async function ownedCustomer() {
  const owner = await createMerchant({
    email: 'inhaber@example.com',
    customers: [{ customerNumber: 'K7000001', companyName: 'Pflicht Bäckerei GmbH' }],
  })
  const secret = await withTotp(owner.user)
  const [customer] = owner.customers
  const [terminal] = owner.terminals
  const [txId] = await addTransactions(terminal, [{ receiptNumber: 'PFLICHT-TX-1' }])
  return { ...owner, secret, customer, terminal, txId }
}

/** A user linked to the customer with a role, owning a customer of their own. */
async function coUser(customer: Customer, role: CustomerRole, locale = 'de') {
  const merchant = await createMerchant({
    email: `${role}@example.com`,
    locale,
    customers: [{ customerNumber: 'K7000002', companyName: 'Eigene Kiosk KG' }],
  })
  await merchant.user.related('customers').attach({
    [customer.id]: { role, proven_by: 'support' },
  })
  return merchant
}

async function loginWithTotp(agent: Agent, email: string, password: string, secret: string) {
  const step1 = await agent.post('/login', { email, password }, { csrfFrom: '/login' })
  if (step1.location !== '/login/totp') throw new Error(`no code step: ${step1.location}`)
  const step2 = await agent.post(
    '/login/totp',
    { code: await totpCode(secret) },
    { csrfFrom: '/login/totp' }
  )
  if (step2.status !== 302 || step2.location?.startsWith('/login')) {
    throw new Error(`code step failed: ${step2.location}`)
  }
}

async function setRequired(agent: Agent, customerId: number, on: boolean) {
  return agent.post(
    `/account/two-factor/customers/${customerId}`,
    on ? { require_two_factor: '1' } : {},
    { csrfFrom: '/account/two-factor' }
  )
}

test.group('Zwei-Faktor-Anmeldung für alle Benutzer eines Kunden', (group) => {
  group.each.setup(() => resetState())

  test('owner requires it → co-user without TOTP sees the notice and 404s → enrols → sees the data', async ({
    assert,
  }) => {
    const owner = await ownedCustomer()
    const viewer = await coUser(owner.customer, 'viewer')
    const tid = owner.terminal.terminalId

    const coAgent = new Agent()
    await loginAs(coAgent, viewer.user.email, viewer.password)
    assert.equal((await coAgent.get(`/transactions/${owner.txId}`)).status, 200)
    assert.equal((await coAgent.get(`/terminals/${tid}`)).status, 200)

    /* the owner turns the requirement on, on the two-factor page */
    const ownerAgent = new Agent()
    await loginWithTotp(ownerAgent, owner.user.email, owner.password, owner.secret)
    const page = await ownerAgent.get('/account/two-factor')
    assert.include(page.text, 'Zwei-Faktor-Anmeldung für alle Benutzer dieses Kunden verlangen')
    assert.include(page.text, 'Pflicht Bäckerei GmbH (Kundennummer K7000001)')
    const on = await setRequired(ownerAgent, owner.customer.id, true)
    assert.equal(on.status, 302)
    assert.equal(on.location, '/account/two-factor#require')
    const after = await ownerAgent.follow(on)
    assert.include(
      after.text,
      'Die Zwei-Faktor-Anmeldung ist jetzt für alle Benutzer dieses Kunden Pflicht.'
    )
    assert.match(after.text, /name="require_two_factor" value="1" checked/)
    await owner.customer.refresh()
    assert.isTrue(owner.customer.requireTwoFactor)
    const event = await AuditEvent.query()
      .where('action', 'account.two_factor.customer_required')
      .firstOrFail()
    assert.equal(event.actorId, owner.user.id)
    assert.deepInclude(event.meta as object, { customerNumber: 'K7000001' })

    /* the owner, who has TOTP, is not affected */
    assert.equal((await ownerAgent.get(`/transactions/${owner.txId}`)).status, 200)
    assert.notInclude((await ownerAgent.get('/')).text, 'verlangt die Zwei-Faktor-Anmeldung')

    /* the co-user (same session) sees the notice on every merchant page, none of the data */
    for (const path of ['/', '/transactions', '/terminals', '/account']) {
      const response = await coAgent.get(path)
      assert.equal(response.status, 200, path)
      assert.include(visibleText(response.text), NOTICE_DE, path)
      assert.include(response.text, 'href="/account/two-factor"', path)
      assert.notInclude(mainOf(response.text), 'PFLICHT-TX-1', path)
      assert.notInclude(mainOf(response.text), tid, path)
    }
    assert.equal((await coAgent.get(`/transactions/${owner.txId}`)).status, 404)
    assert.equal((await coAgent.get(`/terminals/${tid}`)).status, 404)
    assert.equal((await coAgent.get('/transactions?customer=K7000001')).status, 404)
    /* the co-user's own customer is still there */
    assert.include(visibleText((await coAgent.get('/')).text), 'Eigene Kiosk KG')

    /* they enrol: the customer's data is visible again, the notice is gone */
    const enrolment = await coAgent.get('/account/two-factor')
    const secret = secretFromEnrolmentPage(enrolment.text)
    const enabled = await coAgent.post(
      '/account/two-factor',
      { current_password: viewer.password, code: await totpCode(secret) },
      { csrfFrom: '/account/two-factor' }
    )
    assert.equal(enabled.location, '/account/two-factor/recovery-codes')
    const tx = await coAgent.get(`/transactions/${owner.txId}`)
    assert.equal(tx.status, 200)
    assert.include(tx.text, 'PFLICHT-TX-1')
    assert.equal((await coAgent.get(`/terminals/${tid}`)).status, 200)
    assert.notInclude((await coAgent.get('/')).text, 'verlangt die Zwei-Faktor-Anmeldung')
  })

  test('the notice in English', async ({ assert }) => {
    const owner = await ownedCustomer()
    const accountant = await coUser(owner.customer, 'accountant', 'en')
    await Customer.query().where('id', owner.customer.id).update({ require_two_factor: true })
    const agent = new Agent()
    await loginAs(agent, accountant.user.email, accountant.password)
    const page = await agent.get('/transactions')
    assert.include(visibleText(page.text), NOTICE_EN)
    assert.include(page.text, 'Set up two-factor sign-in')
    assert.equal((await agent.get(`/transactions/${owner.txId}`)).status, 404)
  })

  test('turning TOTP off while a customer requires it is refused', async ({ assert }) => {
    const owner = await ownedCustomer()
    const accountant = await coUser(owner.customer, 'accountant')
    const secret = await withTotp(accountant.user)
    await Customer.query().where('id', owner.customer.id).update({ require_two_factor: true })

    const agent = new Agent()
    await loginWithTotp(agent, accountant.user.email, accountant.password, secret)
    /* with TOTP nothing is withheld */
    assert.equal((await agent.get(`/transactions/${owner.txId}`)).status, 200)

    const refusal =
      'Ihr Kunde Pflicht Bäckerei GmbH (K7000001) verlangt die Zwei-Faktor-Anmeldung. Solange er sie verlangt, können Sie sie nicht ausschalten.'
    const page = await agent.get('/account/two-factor')
    assert.include(visibleText(page.text), refusal)
    assert.notInclude(page.text, 'action="/account/two-factor/disable"')

    const response = await agent.post(
      '/account/two-factor/disable',
      { current_password: accountant.password, code: await totpCode(secret) },
      { csrfFrom: '/account/two-factor' }
    )
    assert.equal(response.location, '/account/two-factor')
    assert.include(visibleText((await agent.follow(response)).text), refusal)
    await accountant.user.refresh()
    assert.isNotNull(accountant.user.totpEnabledAt)
    assert.equal(
      (await AuditEvent.query().where('action', 'account.two_factor.disabled')).length,
      0
    )
  })

  test('only an owner toggles it: anyone else gets the 404; an owner without TOTP is told to set it up first', async ({
    assert,
  }) => {
    const owner = await ownedCustomer()
    const viewer = await coUser(owner.customer, 'accountant')
    const stranger = await createMerchant({ email: 'fremd@example.com' })

    for (const merchant of [viewer, stranger]) {
      const agent = new Agent()
      await loginAs(agent, merchant.user.email, merchant.password)
      const page = await agent.get('/account/two-factor')
      assert.notInclude(page.text, 'Pflicht Bäckerei GmbH (Kundennummer K7000001)')
      const response = await setRequired(agent, owner.customer.id, true)
      assert.equal(response.status, 404, merchant.user.email)
      assert.equal((await setRequired(agent, 999999, true)).status, 404)
    }
    await owner.customer.refresh()
    assert.isFalse(owner.customer.requireTwoFactor)

    /* an owner without TOTP cannot require it (it would hide the customer from them too) */
    const agent = new Agent()
    await loginAs(agent, stranger.user.email, stranger.password)
    const own = stranger.customers[0]
    assert.include(
      (await agent.get('/account/two-factor')).text,
      'Zwei-Faktor-Anmeldung für alle Benutzer dieses Kunden verlangen'
    )
    const refused = await setRequired(agent, own.id, true)
    assert.include(
      visibleText((await agent.follow(refused)).text),
      'Richten Sie zuerst für sich selbst die Zwei-Faktor-Anmeldung ein.'
    )
    await own.refresh()
    assert.isFalse(own.requireTwoFactor)
    assert.equal((await AuditEvent.query().where('action', 'like', '%customer_%')).length, 0)

    /* the owner turns it on and off again: both audited */
    const ownerAgent = new Agent()
    await loginWithTotp(ownerAgent, owner.user.email, owner.password, owner.secret)
    await setRequired(ownerAgent, owner.customer.id, true)
    const off = await setRequired(ownerAgent, owner.customer.id, false)
    assert.include(
      (await ownerAgent.follow(off)).text,
      'Die Zwei-Faktor-Anmeldung ist für die Benutzer dieses Kunden nicht mehr Pflicht.'
    )
    await owner.customer.refresh()
    assert.isFalse(owner.customer.requireTwoFactor)
    const actions = (await AuditEvent.query().orderBy('id')).map((e) => e.action)
    assert.includeMembers(actions, [
      'account.two_factor.customer_required',
      'account.two_factor.customer_not_required',
    ])
  })

  test('a co-owner without TOTP cannot manage the withheld customer: no switching it off, no users, no invitations', async ({
    assert,
  }) => {
    const owner = await ownedCustomer()
    const coOwner = await coUser(owner.customer, 'owner')
    const ownerAgent = new Agent()
    await loginWithTotp(ownerAgent, owner.user.email, owner.password, owner.secret)
    await setRequired(ownerAgent, owner.customer.id, true)

    const agent = new Agent()
    await loginAs(agent, coOwner.user.email, coOwner.password)
    /* switching the requirement off is the shared 404, the requirement stays */
    assert.equal((await setRequired(agent, owner.customer.id, false)).status, 404)
    await owner.customer.refresh()
    assert.isTrue(owner.customer.requireTwoFactor)
    /* „Benutzer“ shows only the co-owner's own customer, not the withheld one's users */
    const users = await agent.get('/account/users')
    assert.equal(users.status, 200)
    assert.include(users.text, 'K7000002')
    assert.notInclude(users.text, 'inhaber@example.com')
    /* (K7000001 is named only in the notice that it requires two-factor sign-in) */
    assert.include(visibleText(users.text), 'Pflicht Bäckerei GmbH (K7000001) verlangt')
    assert.notInclude(users.text, `value="${owner.customer.id}"`)
    /* and nobody is invited to it */
    const invite = await agent.post(
      '/account/users/invitations',
      { customer_id: String(owner.customer.id), email: 'neu@example.com', role: 'viewer' },
      { csrfFrom: '/account/users' }
    )
    assert.equal(invite.status, 404)
    assert.lengthOf(await db.from('invitations').where('email', 'neu@example.com'), 0)
  })

  test('an owner hidden by the rule gets none of the customer’s owner mails and cannot write into its tickets by mail', async ({
    assert,
  }) => {
    const owner = await ownedCustomer()
    const hidden = await coUser(owner.customer, 'owner')
    owner.customer.requireTwoFactor = true
    await owner.customer.save()

    /* the bank-account confirmation and the decisions go to visible owners only */
    assert.deepEqual(
      (await ownersOf(owner.customer.id)).map((recipient) => recipient.email),
      ['inhaber@example.com']
    )
    /* an access request is told to visible owners only */
    smtpSink.clear()
    await CustomerClaim.notifyOwners(owner.customer.id, 'anfrage@example.com')
    await mailsSettled()
    assert.lengthOf(smtpSink.to('inhaber@example.com'), 1)
    assert.lengthOf(smtpSink.to(hidden.user.email), 0)
    /* replies by mail into the customer's tickets: not from the hidden owner */
    const ticket = await Ticket.create({
      reference: 'T-2FA-0001',
      name: 'Inhaberin',
      email: 'inhaber@example.com',
      userId: owner.user.id,
      customerId: owner.customer.id,
      category: 'other',
      status: 'open',
      locale: 'de',
      source: 'portal',
      lastMessageAt: DateTime.now(),
    })
    const senders = await allowedSenders(ticket)
    assert.isTrue(senders.has('inhaber@example.com'))
    assert.isFalse(senders.has(hidden.user.email))

    /* with two-factor the co-owner is an owner like any other again */
    await withTotp(hidden.user)
    assert.sameMembers(
      (await ownersOf(owner.customer.id)).map((recipient) => recipient.email),
      ['inhaber@example.com', hidden.user.email]
    )
    assert.isTrue((await allowedSenders(ticket)).has(hidden.user.email))
  })
})
