import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { createMerchant, loginAs } from '#tests/helpers/auth'
import { createStaff, loginStaff } from '#tests/helpers/staff'
import { addTransactions, visibleText } from '#tests/functional/merchant/fixtures'
import { ClosingIngest } from '#services/ingest/closing_ingest'
import { PayoutIngest } from '#services/ingest/payout_ingest'

/*
| The support view (issue 16, point 6): on /admin/customers/:id staff read the
| customer's closings, payouts and each terminal's open amount, so they can
| answer "where is my money" on the phone. Read-only: no form for any of it.
*/

const berlinNow = () => DateTime.now().setZone('Europe/Berlin')

/** A customer with two terminals: one closed (with a difference) and paid out, one with open payments. */
async function customerWithMoney() {
  const merchant = await createMerchant({
    customers: [
      {
        customerNumber: 'K4711',
        companyName: 'Geld Bäckerei GmbH',
        terminals: [{ terminalId: '87654321' }, { terminalId: '87654322' }],
      },
    ],
  })
  const [closed, open] = merchant.terminals
  await addTransactions(closed, [
    { amountMinor: 150_000, occurredAt: DateTime.utc().minus({ hours: 3 }) },
    { amountMinor: 2_345, occurredAt: DateTime.utc().minus({ hours: 2 }), cardBrand: 'visa' },
  ])
  const closing = await new ClosingIngest().ingest([
    {
      terminal_id: '87654321',
      closing_number: 318,
      closed_at: berlinNow().minus({ hours: 1 }).toISO(),
      totals: [
        { card_brand: 'girocard', sales_count: 1, sales_minor: 150_000 },
        /* reported 10,00 € more than the portal has */
        { card_brand: 'visa', sales_count: 1, sales_minor: 3_345 },
      ],
    },
  ])
  if (closing.results[0].status !== 'created') throw new Error(JSON.stringify(closing.results))
  const payout = await new PayoutIngest().ingest([
    {
      reference: 'PO-SUPPORT-1',
      customer_number: 'K4711',
      value_date: berlinNow().plus({ days: 1 }).toISODate(),
      currency: 'EUR',
      kind: 'girocard',
      gross_minor: 150_000,
      fees_minor: 345,
      net_minor: 149_655,
      status: 'paid',
      closings: [{ terminal_id: '87654321', closing_number: 318 }],
    },
  ])
  if (payout.results[0].status !== 'created') throw new Error(JSON.stringify(payout.results))
  await addTransactions(open, [
    { amountMinor: 1_999, occurredAt: DateTime.utc().minus({ days: 6 }) },
    { amountMinor: 1_001, occurredAt: DateTime.utc().minus({ days: 2 }) },
  ])
  return { merchant, customer: merchant.customers[0] }
}

test.group('Admin / customer money (support view)', (group) => {
  group.each.setup(() => resetState())

  test('staff see closings, payouts and open amounts on the customer page, read-only', async ({
    assert,
  }) => {
    const { customer } = await customerWithMoney()
    const staff = await createStaff({ role: 'agent' })
    const agent = new Agent()
    await loginStaff(agent, staff)

    const page = await agent.get(`/admin/customers/${customer.id}`)
    assert.equal(page.status, 200)
    const text = visibleText(page.text).replace(/\s+/g, ' ')

    /* open amounts per terminal, with the last closing */
    assert.include(text, 'Offene Beträge je Terminal')
    assert.match(text, /87654322 30,00 € 2 noch nie 6 Tagen Kassenschnitt fällig/)
    assert.match(text, /87654321 0,00 € 0 \d\d\.\d\d\.\d{4} \d\d:\d\d/)

    /* closings: date, TID, number, net, Differenz */
    assert.include(text, 'Kassenschnitte')
    assert.match(text, /\d\d\.\d\d\.\d{4} \d\d:\d\d 87654321 318 1\.533,45 € Differenz 10,00 €/)

    /* payouts: value date, reference, status, gross, fees, net, Differenz */
    assert.include(text, 'Auszahlungen')
    assert.match(text, /\d\d\.\d\d\.\d{4} PO-SUPPORT-1 ausgezahlt 1\.500,00 € 3,45 € 1\.496,55 € –/)

    /* read-only: the only forms are the access requests' (none here) and the header's */
    const start = page.text.indexOf('open-heading')
    assert.isAbove(start, 0, 'the money section is on the page')
    assert.notInclude(page.text.slice(start), '<form')
  })

  test('in English', async ({ assert }) => {
    const { customer } = await customerWithMoney()
    const staff = await createStaff({ role: 'agent' })
    const agent = new Agent()
    await loginStaff(agent, staff)
    agent.jar.set('kp_locale', 'en')
    const text = visibleText((await agent.get(`/admin/customers/${customer.id}`)).text).replace(
      /\s+/g,
      ' '
    )
    assert.include(text, 'Open amounts per terminal')
    assert.include(text, 'Closings (Kassenschnitte)')
    assert.match(text, /PO-SUPPORT-1 paid €1,500\.00 €3\.45 €1,496\.55/)
    assert.include(text, 'Difference €10.00')
  })

  test('merchants never reach the support view', async ({ assert }) => {
    const { merchant, customer } = await customerWithMoney()
    const agent = new Agent()
    await loginAs(agent, merchant.user.email, merchant.password)
    const response = await agent.get(`/admin/customers/${customer.id}`)
    assert.equal(response.location, '/admin/login')
  })
})
