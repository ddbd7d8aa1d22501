import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { sqlTime, turnoverSql } from '#services/merchant/transaction_query'
import { ZONE, type ReportPeriod } from '#services/reports/report_periods'

export type BrandTurnover = { brand: string; netMinor: number; count: number }
export type PayoutLine = {
  reference: string
  valueDate: string
  grossMinor: number
  feesMinor: number
  netMinor: number
  status: string
}
export type InvoiceLine = { number: string; issueDate: string; grossMinor: number }

/** What a report says about one customer and period. Payouts and invoices are null when the role may not see them. */
export type ReportSummary = {
  turnoverMinor: number
  byBrand: BrandTurnover[]
  transactions: number
  closings: { count: number; netMinor: number; withDifference: number; differenceMinor: number }
  payouts: {
    lines: PayoutLine[]
    grossMinor: number
    feesMinor: number
    netMinor: number
  } | null
  invoices: { lines: InvoiceLine[]; grossMinor: number } | null
}

/**
 * The figures of a report (docs/reports.md): turnover by card brand (approved
 * sales − refunds − reversals), the number of transactions (every row of the
 * period, as in its CSV), the period's Kassenschnitte, the payouts valued in it
 * and the invoices issued in it. Berlin days, like the portal's pages.
 */
export const ReportSummaryService = {
  async compute(
    customerId: number,
    period: ReportPeriod,
    show: { payouts: boolean; invoices: boolean }
  ): Promise<ReportSummary> {
    const start = DateTime.fromISO(period.from, { zone: ZONE }).startOf('day')
    const end = DateTime.fromISO(period.to, { zone: ZONE }).plus({ days: 1 }).startOf('day')
    const [brands, transactions, closings] = await Promise.all([
      turnoverByBrand(customerId, start, end),
      transactionCount(customerId, start, end),
      closingTotals(customerId, start, end),
    ])
    return {
      turnoverMinor: brands.reduce((sum, row) => sum + row.netMinor, 0),
      byBrand: brands,
      transactions,
      closings,
      payouts: show.payouts ? await payouts(customerId, period) : null,
      invoices: show.invoices ? await invoices(customerId, period) : null,
    }
  },
}

async function turnoverByBrand(customerId: number, start: DateTime, end: DateTime) {
  const rows = await db
    .from('transactions')
    .where('customer_id', customerId)
    .where('occurred_at', '>=', sqlTime(start))
    .where('occurred_at', '<', sqlTime(end))
    .where('status', 'approved')
    .whereIn('type', ['sale', 'refund', 'reversal'])
    .groupBy('card_brand')
    .orderBy('card_brand')
    .select('card_brand', db.raw(`SUM(${turnoverSql()}) as net`), db.raw('COUNT(*) as n'))
  return rows.map((row: any) => ({
    brand: String(row.card_brand),
    netMinor: Number(row.net ?? 0),
    count: Number(row.n ?? 0),
  }))
}

async function transactionCount(customerId: number, start: DateTime, end: DateTime) {
  const row = await db
    .from('transactions')
    .where('customer_id', customerId)
    .where('occurred_at', '>=', sqlTime(start))
    .where('occurred_at', '<', sqlTime(end))
    .count('* as n')
    .first()
  return Number(row?.n ?? 0)
}

async function closingTotals(customerId: number, start: DateTime, end: DateTime) {
  const row = await db
    .from('closings')
    .where('customer_id', customerId)
    .where('closed_at', '>=', sqlTime(start))
    .where('closed_at', '<', sqlTime(end))
    .select(
      db.raw('COUNT(*) as n'),
      db.raw('COALESCE(SUM(reported_net_minor), 0) as net'),
      db.raw('COALESCE(SUM(CASE WHEN has_difference THEN 1 ELSE 0 END), 0) as diffs'),
      db.raw('COALESCE(SUM(difference_minor), 0) as diff')
    )
    .first()
  return {
    count: Number(row?.n ?? 0),
    netMinor: Number(row?.net ?? 0),
    withDifference: Number(row?.diffs ?? 0),
    differenceMinor: Number(row?.diff ?? 0),
  }
}

async function payouts(customerId: number, period: ReportPeriod) {
  const rows = await db
    .from('payouts')
    .where('customer_id', customerId)
    .whereBetween('value_date', [period.from, period.to])
    .orderBy('value_date')
    .orderBy('id')
    .select('reference', 'value_date', 'gross_minor', 'fees_minor', 'net_minor', 'status')
  const lines: PayoutLine[] = rows.map((row: any) => ({
    reference: String(row.reference),
    valueDate: dateOf(row.value_date),
    grossMinor: Number(row.gross_minor),
    feesMinor: Number(row.fees_minor),
    netMinor: Number(row.net_minor),
    status: String(row.status),
  }))
  const sum = (pick: (line: PayoutLine) => number) => lines.reduce((s, l) => s + pick(l), 0)
  return {
    lines,
    grossMinor: sum((l) => l.grossMinor),
    feesMinor: sum((l) => l.feesMinor),
    netMinor: sum((l) => l.netMinor),
  }
}

async function invoices(customerId: number, period: ReportPeriod) {
  const rows = await db
    .from('invoices')
    .where('customer_id', customerId)
    .whereNot('status', 'draft')
    .whereNotNull('number')
    .whereBetween('issue_date', [period.from, period.to])
    .orderBy('issue_date')
    .orderBy('id')
    .select('number', 'issue_date', 'gross_minor')
  const lines: InvoiceLine[] = rows.map((row: any) => ({
    number: String(row.number),
    issueDate: dateOf(row.issue_date),
    grossMinor: Number(row.gross_minor),
  }))
  return { lines, grossMinor: lines.reduce((sum, line) => sum + line.grossMinor, 0) }
}

/** A DATE as read: a Date at UTC midnight (MariaDB) or `yyyy-MM-dd` (SQLite). */
function dateOf(value: Date | string) {
  return value instanceof Date
    ? DateTime.fromJSDate(value, { zone: 'utc' }).toISODate()!
    : String(value).slice(0, 10)
}
