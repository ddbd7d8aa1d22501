import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { ClosingIngest } from '#services/ingest/closing_ingest'
import { PayoutIngest } from '#services/ingest/payout_ingest'
import { createMerchant } from '#tests/helpers/auth'
import { addTransactions } from '#tests/functional/merchant/fixtures'

const ago = (spec: { days?: number; hours?: number; minutes?: number }) =>
  DateTime.now().minus(spec)

/** Stores closings through the ingest service; throws unless each was created. */
export async function closeTerminal(items: Record<string, unknown>[]) {
  const { results } = await new ClosingIngest().ingest(items)
  for (const result of results) {
    if (result.status !== 'created')
      throw new Error(`closing not created: ${JSON.stringify(result)}`)
  }
  return results.map((result) => (result.status === 'created' ? result.id : 0))
}

/** Stores payouts through the ingest service; throws unless each was created. */
export async function pay(items: Record<string, unknown>[]) {
  const { results } = await new PayoutIngest().ingest(items)
  for (const result of results) {
    if (result.status !== 'created')
      throw new Error(`payout not created: ${JSON.stringify(result)}`)
  }
  return results.map((result) => (result.status === 'created' ? result.id : 0))
}

/**
 * A merchant with two terminals:
 * - A: closing 1 (girocard 10,00 − 3,00 refund, Visa 25,00 → 32,00 €, matches), covered
 *   by the paid payout `=PO1` (fees 0,45 €); closing 2 reports 50,00 € but links
 *   42,00 € (Differenz 8,00 €), no payout yet; 15,00 € open since.
 * - B: never closed, 25,00 € open, the oldest payment 6 days ago.
 */
export async function moneyMerchant(
  options: { locale?: string; email?: string; companyName?: string; monthlyFeeMinor?: number } = {}
) {
  const fee =
    options.monthlyFeeMinor === undefined ? {} : { monthlyFeeMinor: options.monthlyFeeMinor }
  const m = await createMerchant({
    locale: options.locale,
    email: options.email,
    customers: [
      {
        ...(options.companyName ? { companyName: options.companyName } : {}),
        terminals: [
          { city: 'Bonn', ...fee },
          { city: 'Köln', ...fee },
        ],
      },
    ],
  })
  const [a, b] = m.terminals
  const customer = m.customers[0]
  const [giroSale, , , mismatchTx, openTx] = await addTransactions(a, [
    {
      occurredAt: ago({ hours: 3 }),
      amountMinor: 1000,
      cardBrand: 'girocard',
      receiptNumber: 'R-1',
    },
    { occurredAt: ago({ hours: 3, minutes: 1 }), amountMinor: 2500, cardBrand: 'visa' },
    {
      occurredAt: ago({ hours: 3, minutes: 2 }),
      amountMinor: 300,
      type: 'refund',
      cardBrand: 'girocard',
    },
    {
      occurredAt: ago({ minutes: 90 }),
      amountMinor: 4200,
      cardBrand: 'girocard',
      receiptNumber: 'R-2',
    },
    {
      occurredAt: ago({ minutes: 10 }),
      amountMinor: 1500,
      cardBrand: 'girocard',
      receiptNumber: 'R-OPEN',
    },
  ])
  await addTransactions(b, [
    { occurredAt: ago({ days: 6 }), amountMinor: 2000, cardBrand: 'girocard' },
    { occurredAt: ago({ days: 3 }), amountMinor: 500, cardBrand: 'mastercard' },
  ])
  const [matching, mismatching] = await closeTerminal([
    {
      terminal_id: a.terminalId,
      closing_number: 1,
      closed_at: ago({ hours: 2 }).toISO(),
      automatic: false,
      totals: [
        {
          card_brand: 'girocard',
          sales_count: 1,
          sales_minor: 1000,
          refunds_count: 1,
          refunds_minor: 300,
        },
        { card_brand: 'visa', sales_count: 1, sales_minor: 2500 },
      ],
    },
    {
      terminal_id: a.terminalId,
      closing_number: 2,
      closed_at: ago({ hours: 1 }).toISO(),
      automatic: true,
      totals: [{ card_brand: 'girocard', sales_count: 2, sales_minor: 5000 }],
    },
  ])
  const [payoutId] = await pay([
    {
      reference: '=PO1',
      customer_number: customer.customerNumber,
      value_date: DateTime.now().setZone('Europe/Berlin').toISODate(),
      kind: 'all',
      gross_minor: 3200,
      fees_minor: 45,
      net_minor: 3155,
      iban_last4: '1234',
      status: 'paid',
      fees: [
        { card_brand: 'girocard', kind: 'transaction', amount_minor: 15 },
        { card_brand: 'visa', kind: 'disagio', amount_minor: 30 },
      ],
      closings: [{ terminal_id: a.terminalId, closing_number: 1 }],
    },
  ])
  const mismatchRow = await db.from('closings').where('id', mismatching).first()
  return {
    ...m,
    a,
    b,
    customer,
    closings: { matching, mismatching },
    girocardExpectedOn: mismatchRow.girocard_expected_on as Date | string,
    payoutId,
    transactions: { closed: giroSale, mismatch: mismatchTx, open: openTx },
  }
}
