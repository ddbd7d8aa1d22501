import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import type { BillingPeriod } from '#services/invoices/billing_period'
import type { BillableTerminal, BrandUsage } from '#services/invoices/tariff_calculator'

/** What a customer's invoice for a period is computed from: terminals and approved usage. */
export async function loadBillingData(
  customerId: number,
  period: BillingPeriod,
  client: QueryClientContract = db.connection()
): Promise<{ terminals: BillableTerminal[]; usage: BrandUsage[] }> {
  const periodEnd = period.end.toISODate()!
  const terminalRows = await client
    .from('terminals')
    .where('customer_id', customerId)
    .where((query) => query.whereNull('installed_at').orWhere('installed_at', '<=', periodEnd))
    .select('terminal_id', 'monthly_fee_minor', 'status')

  const [from, to] = period.utcRange
  const usageRows = await client
    .from('transactions as t')
    .join('terminals as term', 'term.id', 't.terminal_id')
    .where('t.customer_id', customerId)
    .where('t.status', 'approved')
    .whereIn('t.type', ['sale', 'refund'])
    .where('t.occurred_at', '>=', from)
    .where('t.occurred_at', '<', to)
    .groupBy('term.terminal_id', 't.card_brand')
    .select('term.terminal_id as terminal_id', 't.card_brand as card_brand')
    .select(
      client.raw(`SUM(CASE WHEN t.type = 'sale' THEN 1 ELSE 0 END) AS sales_count`),
      client.raw(`SUM(CASE WHEN t.type = 'sale' THEN t.amount_minor ELSE 0 END) AS sales_amount`),
      client.raw(`SUM(CASE WHEN t.type = 'refund' THEN 1 ELSE 0 END) AS refund_count`),
      client.raw(
        `SUM(CASE WHEN t.type = 'refund' THEN ABS(t.amount_minor) ELSE 0 END) AS refund_amount`
      )
    )

  return {
    terminals: terminalRows.map((row) => ({
      terminalId: row.terminal_id,
      monthlyFeeMinor: Number(row.monthly_fee_minor),
      status: row.status,
    })),
    usage: usageRows.map((row) => ({
      terminalId: row.terminal_id,
      cardBrand: row.card_brand,
      salesCount: Number(row.sales_count),
      salesAmountMinor: Number(row.sales_amount),
      refundCount: Number(row.refund_count),
      refundAmountMinor: Number(row.refund_amount),
    })),
  }
}
