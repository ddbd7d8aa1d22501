import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import type Customer from '#models/customer'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { smtpSink } from '#tests/helpers/services'
import { recipients } from '#demo/smtp_sink'
import { createMerchant, DEFAULT_PASSWORD, loginAs, mailTo } from '#tests/helpers/auth'
import { createStaff, loginStaff } from '#tests/helpers/staff'
import { addTransactions } from '#tests/functional/merchant/fixtures'
import { InvoiceIssuer } from '#services/invoices/invoice_issuer'
import { InvoiceRunService } from '#services/invoices/invoice_run_service'
import { testPeriod } from '#tests/functional/invoices/fixtures'
import { mailsSettled } from '#tests/helpers/queues'

/*
| Support decides access requests in /admin (the customer's page), with the same
| effects as an owner's decision; and invoice mails follow the roles.
*/

async function staffAgent() {
  const agent = new Agent()
  const staff = await createStaff({ role: 'agent', fullName: 'Sabine Support' })
  await loginStaff(agent, staff)
  return { agent, staff }
}

/** An owned customer with a transaction, and a colleague who asked for access to it. */
async function customerWithRequest() {
  const owner = await createMerchant({
    email: 'inhaber@example.com',
    customers: [{ companyName: 'Anfrage Bäckerei GmbH' }],
  })
  const customer = owner.customers[0]
  await addTransactions(owner.terminals[0], [{ receiptNumber: 'REQ-TX-1' }])
  const colleague = await createMerchant({ email: 'kollege@example.com', customers: [] })
  const agent = new Agent()
  await loginAs(agent, 'kollege@example.com', DEFAULT_PASSWORD)
  const added = await agent.post(
    '/account/customers',
    { customer_number: customer.customerNumber, terminal_id: owner.terminals[0].terminalId },
    { csrfFrom: '/account' }
  )
  if (added.status !== 302) throw new Error('the request was not filed')
  const request = await db
    .from('access_requests')
    .where({ user_id: colleague.user.id, status: 'pending' })
    .firstOrFail()
  return { customer, colleague, colleagueAgent: agent, requestId: Number(request.id) }
}

const pagePath = (customer: Customer) => `/admin/customers/${customer.id}`

test.group('Admin: access requests', (group) => {
  group.each.setup(async () => {
    await resetState()
    smtpSink.clear()
  })

  test('support sees a pending request on the customer page and approves it with a role', async ({
    assert,
  }) => {
    const { customer, colleague, colleagueAgent, requestId } = await customerWithRequest()
    assert.notInclude((await colleagueAgent.get('/transactions')).text, 'REQ-TX-1')

    const { agent, staff } = await staffAgent()
    const page = await agent.get(pagePath(customer))
    assert.equal(page.status, 200)
    assert.include(page.text, 'Offene Zugriffsanfragen')
    assert.include(page.text, 'kollege@example.com')
    assert.include(page.text, 'Zustimmen')

    const approved = await agent.post(
      `${pagePath(customer)}/access-requests/${requestId}/approve`,
      { role: 'accountant' },
      { csrfFrom: pagePath(customer) }
    )
    assert.equal(approved.status, 302)
    assert.equal(approved.location, pagePath(customer))
    const after = await agent.follow(approved)
    assert.include(after.text, 'Die Zugriffsanfrage wurde bestätigt.')
    assert.include(after.text, 'Keine offenen Zugriffsanfragen.')

    /* the colleague now sees the customer, as an accountant (invoices too) */
    assert.include((await colleagueAgent.get('/transactions')).text, 'REQ-TX-1')
    assert.equal((await colleagueAgent.get('/invoices')).status, 200)
    const link = await db
      .from('customer_user')
      .where({ user_id: colleague.user.id, customer_id: customer.id })
      .first()
    assert.equal(link.role, 'accountant')
    const request = await db.from('access_requests').where('id', requestId).first()
    assert.equal(request.status, 'approved')
    assert.equal(request.role, 'accountant')
    const audit = await db.from('audit_events').where('action', 'access_request.approved').first()
    assert.equal(audit.actor_type, 'staff')
    assert.equal(Number(audit.actor_id), staff.staff.id)
    assert.equal(Number(audit.subject_user_id), colleague.user.id)

    /* decided once: a second decision is the 404 */
    const again = await agent.post(
      `${pagePath(customer)}/access-requests/${requestId}/deny`,
      {},
      { csrfFrom: pagePath(customer) }
    )
    assert.equal(again.status, 404)
  })

  test('support denies: no link, nothing visible, audited; a foreign or unknown id is 404', async ({
    assert,
  }) => {
    const { customer, colleague, colleagueAgent, requestId } = await customerWithRequest()
    const other = await createMerchant({ email: 'andere@example.com' })
    const { agent } = await staffAgent()

    /* the request under another customer's page is not found, nor is a made-up role taken */
    const foreign = await agent.post(
      `${pagePath(other.customers[0])}/access-requests/${requestId}/approve`,
      { role: 'owner' },
      { csrfFrom: pagePath(customer) }
    )
    assert.equal(foreign.status, 404)
    const badRole = await agent.post(
      `${pagePath(customer)}/access-requests/${requestId}/approve`,
      { role: 'admin' },
      { csrfFrom: pagePath(customer) }
    )
    assert.equal(badRole.status, 302)
    assert.equal(
      (await db.from('access_requests').where('id', requestId).first()).status,
      'pending'
    )

    const denied = await agent.post(
      `${pagePath(customer)}/access-requests/${requestId}/deny`,
      {},
      { csrfFrom: pagePath(customer) }
    )
    assert.equal(denied.location, pagePath(customer))
    assert.include((await agent.follow(denied)).text, 'Die Zugriffsanfrage wurde abgelehnt.')
    assert.equal((await db.from('access_requests').where('id', requestId).first()).status, 'denied')
    assert.lengthOf(
      await db
        .from('customer_user')
        .where({ user_id: colleague.user.id, customer_id: customer.id }),
      0
    )
    assert.notInclude((await colleagueAgent.get('/transactions')).text, 'REQ-TX-1')
    const audit = await db.from('audit_events').where('action', 'access_request.denied').first()
    assert.equal(audit.actor_type, 'staff')

    /* a merchant cannot reach the support route */
    const merchant = await colleagueAgent.post(
      `${pagePath(customer)}/access-requests/${requestId}/approve`,
      { role: 'owner' },
      { csrfFrom: '/account' }
    )
    assert.notEqual(merchant.status, 200)
    assert.lengthOf(
      await db
        .from('customer_user')
        .where({ user_id: colleague.user.id, customer_id: customer.id }),
      0
    )
  })
})

test.group('Invoice mails follow the roles', (group) => {
  group.each.setup(async () => {
    await resetState()
    smtpSink.clear()
  })

  test('owner and accountant get the invoice mail, a viewer does not', async ({ assert }) => {
    const owner = await createMerchant({
      email: 'inhaber@example.com',
      customers: [{ email: null, terminals: [{ monthlyFeeMinor: 1990 }] }],
    })
    const customer = owner.customers[0]
    for (const role of ['accountant', 'viewer'] as const) {
      const user = await createMerchant({ email: `${role}@example.com`, customers: [] })
      await user.user.related('customers').attach({ [customer.id]: { role, proven_by: 'support' } })
    }
    const issuer = new InvoiceIssuer()
    const prepared = await issuer.prepare(customer.id, testPeriod(2))
    if (prepared.status !== 'ready') throw new Error('expected an invoice')
    const invoice = await issuer.finish(prepared.invoice)
    await new InvoiceRunService().enqueueMails(invoice)

    await mailTo('inhaber@example.com', invoice.number!, 20_000)
    await mailTo('accountant@example.com', invoice.number!, 20_000)
    await mailsSettled()
    const toViewer = smtpSink.mails.filter((m) => recipients(m).includes('viewer@example.com'))
    assert.lengthOf(toViewer, 0)
  }).timeout(60_000)
})
