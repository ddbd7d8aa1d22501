import { test } from '@japa/runner'
import AuditEvent from '#models/audit_event'
import type Customer from '#models/customer'
import type Invoice from '#models/invoice'
import { TransactionFactory } from '#database/factories/transaction_factory'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { createMerchant } from '#tests/helpers/auth'
import { createStaff, loginStaff } from '#tests/helpers/staff'
import { InvoiceIssuer } from '#services/invoices/invoice_issuer'
import { testPeriod } from '#tests/functional/invoices/fixtures'

async function issue(customer: Customer, monthsBack = 2): Promise<Invoice> {
  const issuer = new InvoiceIssuer()
  const prepared = await issuer.prepare(customer.id, testPeriod(monthsBack))
  if (prepared.status !== 'ready') throw new Error('expected an invoice')
  return issuer.finish(prepared.invoice)
}

test.group('Admin customers / transactions and invoices', (group) => {
  group.each.setup(() => resetState())

  test('staff sees a customer’s latest transactions and invoices read-only; each look is audited', async ({
    assert,
  }) => {
    const merchant = await createMerchant({
      customers: [{ terminals: [{ monthlyFeeMinor: 1990 }] }],
    })
    const customer = merchant.customers[0]
    const terminal = merchant.terminals[0]
    const other = await createMerchant()
    const transactions = await TransactionFactory.merge({
      customerId: customer.id,
      terminalId: terminal.id,
    }).createMany(55)
    const foreign = await TransactionFactory.merge({
      customerId: other.customers[0].id,
      terminalId: other.terminals[0].id,
    }).create()
    const invoice = await issue(customer)

    const agent = new Agent()
    const login = await createStaff()
    const staff = login.staff
    await loginStaff(agent, login)
    const page = await agent.get(`/admin/customers/${customer.id}`)
    assert.equal(page.status, 200)
    assert.include(page.text, 'Umsätze (neueste 50)')
    /* newest first, at most 50 */
    const newest = [...transactions].sort(
      (a, b) => b.occurredAt.toMillis() - a.occurredAt.toMillis()
    )
    assert.include(page.text, newest[0].reference)
    assert.include(page.text, newest[49].reference)
    assert.notInclude(page.text, newest[50].reference)
    assert.notInclude(page.text, foreign.reference)
    assert.include(page.text, `•••• ${newest[0].panLast4}`)
    /* read-only: no form posts to a transaction or invoice */
    assert.notMatch(page.text, /action="[^"]*(transactions|invoices)[^"]*"/)

    assert.include(page.text, invoice.number!)
    const pdf = `/admin/customers/${customer.id}/invoices/${invoice.id}/pdf`
    assert.include(page.text, pdf)

    const events = await AuditEvent.query().where('actor_type', 'staff').where('actor_id', staff.id)
    const looks = events.filter((e) => e.action.startsWith('customer.viewed_'))
    assert.sameMembers(
      looks.map((e) => e.action),
      ['customer.viewed_transactions', 'customer.viewed_invoices']
    )
    for (const event of looks) assert.equal(event.meta?.customerId, customer.id)

    const download = await agent.get(pdf)
    assert.equal(download.status, 200)
    assert.equal(download.headers.get('content-type'), 'application/pdf')
    assert.include(download.headers.get('content-disposition') ?? '', invoice.number!)
    const downloaded = await AuditEvent.query()
      .where('action', 'customer.downloaded_invoice')
      .firstOrFail()
    assert.equal(downloaded.actorId, staff.id)
    assert.equal(downloaded.meta?.invoiceId, invoice.id)

    /* another customer's invoice under this customer's id is the 404 */
    assert.equal(
      (await agent.get(`/admin/customers/${other.customers[0].id}/invoices/${invoice.id}/pdf`))
        .status,
      404
    )
  })

  test('a customer without transactions or invoices says so; the page needs a staff login', async ({
    assert,
  }) => {
    const merchant = await createMerchant()
    const agent = new Agent()
    await loginStaff(agent, await createStaff())
    const page = await agent.get(`/admin/customers/${merchant.customers[0].id}`)
    assert.include(page.text, 'Keine Umsätze.')
    assert.include(page.text, 'Keine Rechnungen.')

    const anonymous = await new Agent().get(`/admin/customers/${merchant.customers[0].id}`)
    assert.equal(anonymous.status, 302)
    assert.equal(
      await AuditEvent.query()
        .where('action', 'customer.viewed_transactions')
        .count('* as n')
        .then((r) => Number(r[0].$extras.n)),
      1
    )
  })
})
