import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { reader } from '#services/database/reader'
import type { TransactionFilter } from '#services/merchant/transaction_filter'
import { TransactionTotals } from '#services/merchant/transaction_totals'

export type Cursor = { occurredAt: string; id: number }
export type Seek = { after?: Cursor; before?: Cursor }

/* the columns every list, live row and export line is built from — never pan_masked */
export const ROW_COLUMNS = [
  't.id',
  't.occurred_at',
  't.type',
  't.status',
  't.amount_minor',
  't.currency',
  't.card_brand',
  't.pan_last4',
  't.auth_code',
  't.receipt_number',
  't.reference',
  'term.terminal_id as tid',
  'c.customer_number',
]

const isMysql = () => db.connection().dialect.name.startsWith('mysql')

/** The DB's DATETIME text for a UTC instant (a bound value in hand-written SQL, not a model column). */
export const sqlTime = (value: DateTime) => sqlDateTimeOf(value.toMillis())

/** Epoch milliseconds as the DB's DATETIME text in UTC (`2026-12-03 07:15:00`), without luxon. */
export const sqlDateTimeOf = (ms: number) =>
  new Date(ms).toISOString().slice(0, 19).replace('T', ' ')

/**
 * The SQL of the transaction list, the totals, the live rows and the export —
 * one place, so the export's rows are exactly the list's rows.
 *
 * The seek is written so MariaDB reads the keyset index
 * (customer_id, occurred_at, id) — or (terminal_id, …) with a terminal filter —
 * as a range in index order: a bounded `occurred_at` range plus the OR-form tie
 * break, with the index forced (without the hint MariaDB may pick a full scan
 * for the OR). See docs/adr/0501-transactions-keyset.md.
 */
export const TransactionQuery = {
  /** `SELECT id …` of one page (limit rows) in list order (or reversed for `before`). */
  idsQuery(customerIds: number[], filter: TransactionFilter, seek: Seek, limit: number) {
    const index = filter.terminalDbId
      ? 'transactions_terminal_keyset'
      : 'transactions_customer_keyset'
    const table = isMysql()
      ? db.raw(`transactions FORCE INDEX (${index})`)
      : db.raw(`transactions INDEXED BY ${index}`)
    const query = reader()
      .from(table as unknown as string)
      .select('id')
    TransactionQuery.applyFilter(query, customerIds, filter, '')
    if (seek.after) {
      query
        .where('occurred_at', '<=', seek.after.occurredAt)
        .where((q) =>
          q.where('occurred_at', '<', seek.after!.occurredAt).orWhere('id', '<', seek.after!.id)
        )
    } else if (seek.before) {
      query
        .where('occurred_at', '>=', seek.before.occurredAt)
        .where((q) =>
          q.where('occurred_at', '>', seek.before!.occurredAt).orWhere('id', '>', seek.before!.id)
        )
    }
    const direction = seek.before ? 'asc' : 'desc'
    return query.orderBy('occurred_at', direction).orderBy('id', direction).limit(limit)
  },

  /** The rows for a page, in the given order, with TID and customer number. */
  async page(customerIds: number[], filter: TransactionFilter, seek: Seek, limit: number) {
    const ids = TransactionQuery.idsQuery(customerIds, filter, seek, limit).toSQL()
    const direction = seek.before ? 'asc' : 'desc'
    return reader()
      .from(db.raw(`(${ids.sql}) k`, ids.bindings as any[]) as unknown as string)
      .join('transactions as t', 't.id', 'k.id')
      .join('terminals as term', 'term.id', 't.terminal_id')
      .join('customers as c', 'c.id', 't.customer_id')
      .select(ROW_COLUMNS)
      .orderBy('t.occurred_at', direction)
      .orderBy('t.id', direction)
  },

  /**
   * One batch of the CSV export: the list's filter, seek and order, but as one
   * statement straight over the keyset index with the joins, so MariaDB streams
   * the rows in index order (no id subquery to materialise and sort per batch,
   * which the list's page needs only for its deep pages).
   */
  async exportBatch(
    customerIds: number[],
    filter: TransactionFilter,
    after: Cursor | undefined,
    limit: number
  ) {
    const index = filter.terminalDbId
      ? 'transactions_terminal_keyset'
      : 'transactions_customer_keyset'
    const table = isMysql()
      ? db.raw(`transactions as t FORCE INDEX (${index})`)
      : db.raw(`transactions as t INDEXED BY ${index}`)
    const query = reader()
      .from(table as unknown as string)
      .join('terminals as term', 'term.id', 't.terminal_id')
      .join('customers as c', 'c.id', 't.customer_id')
      .select(ROW_COLUMNS)
    TransactionQuery.applyFilter(query, customerIds, filter, 't.')
    if (after) {
      query
        .where('t.occurred_at', '<=', after.occurredAt)
        .where((q) =>
          q.where('t.occurred_at', '<', after.occurredAt).orWhere('t.id', '<', after.id)
        )
    }
    return query.orderBy('t.occurred_at', 'desc').orderBy('t.id', 'desc').limit(limit)
  },

  /** Rows inserted after `sinceId` that match the filter, newest first (the live feed). */
  async newerThan(customerIds: number[], filter: TransactionFilter, sinceId: number, limit = 50) {
    const query = db
      .from('transactions as t')
      .join('terminals as term', 'term.id', 't.terminal_id')
      .join('customers as c', 'c.id', 't.customer_id')
      .select(ROW_COLUMNS)
      .where('t.id', '>', sinceId)
    TransactionQuery.applyFilter(query, customerIds, filter, 't.')
    return query.orderBy('t.occurred_at', 'desc').orderBy('t.id', 'desc').limit(limit)
  },

  /**
   * Count and turnover of the whole filtered set (not just the page): from
   * `transaction_totals` when it can answer the filter, so the cost does not grow
   * with the period; else (amount or search filters) live.
   */
  async totals(customerIds: number[], filter: TransactionFilter) {
    return TransactionTotals.answers(filter)
      ? TransactionTotals.totals(customerIds, filter)
      : TransactionQuery.liveTotals(customerIds, filter)
  },

  /** The same totals summed live over `transactions` (the fallback, and the tests' reference). */
  async liveTotals(customerIds: number[], filter: TransactionFilter) {
    const query = reader()
      .from('transactions')
      .where((q) => {
        TransactionQuery.applyFilter(q, customerIds, filter, '')
      })
    const row = await query
      .select(
        db.raw('COUNT(*) as count'),
        db.raw(`SUM(CASE WHEN status = 'approved' THEN 1 ELSE 0 END) as approved`),
        db.raw(`COALESCE(SUM(${TURNOVER_SQL}), 0) as turnover`)
      )
      .first()
    return {
      count: Number(row?.count ?? 0),
      approved: Number(row?.approved ?? 0),
      turnover: Number(row?.turnover ?? 0),
    }
  },

  /** The WHERE of a filter, always starting with the customer scope. */
  applyFilter(query: any, customerIds: number[], filter: TransactionFilter, prefix: string) {
    query.whereIn(`${prefix}customer_id`, customerIds)
    if (filter.terminalDbId) query.where(`${prefix}terminal_id`, filter.terminalDbId)
    query
      .where(`${prefix}occurred_at`, '>=', sqlTime(filter.start))
      .where(`${prefix}occurred_at`, '<', sqlTime(filter.end))
    /* multi-select: any of the chosen values */
    if (filter.brand?.length) query.whereIn(`${prefix}card_brand`, filter.brand)
    if (filter.type?.length) query.whereIn(`${prefix}type`, filter.type)
    if (filter.status?.length) query.whereIn(`${prefix}status`, filter.status)
    if (filter.amountMin !== undefined) query.where(`${prefix}amount_minor`, '>=', filter.amountMin)
    if (filter.amountMax !== undefined) query.where(`${prefix}amount_minor`, '<=', filter.amountMax)
    if (filter.q) {
      const q = filter.q
      if (/^\d{4}$/.test(q)) {
        query.where((w: any) =>
          w.where(`${prefix}pan_last4`, q).orWhere(`${prefix}receipt_number`, q)
        )
      } else {
        query.where(`${prefix}receipt_number`, q)
      }
    }
    return query
  },
}

/** Turnover: approved sales minus approved refunds and reversals, in cents. */
export function turnoverSql(p = '') {
  return `CASE WHEN ${p}status = 'approved' AND ${p}type = 'sale' THEN ${p}amount_minor WHEN ${p}status = 'approved' AND ${p}type IN ('refund', 'reversal') THEN -${p}amount_minor ELSE 0 END`
}
export const TURNOVER_SQL = turnoverSql()

/** DATETIME value from the driver (Date from mysql2, text from SQLite) as a UTC DateTime. */
export function toUtc(value: Date | string): DateTime {
  if (value instanceof Date) return DateTime.fromJSDate(value, { zone: 'utc' })
  return DateTime.fromSQL(value, { zone: 'utc' })
}

/** A stored `occurred_at` (mysql2: a Date, read as UTC; SQLite: DATETIME text in UTC) as a Date. */
export function utcDate(value: Date | string): Date {
  return value instanceof Date ? value : new Date(`${value.replace(' ', 'T')}Z`)
}

export function encodeCursor(row: { occurred_at: Date | string; id: number | string }) {
  const digits = utcDate(row.occurred_at).toISOString().replace(/\D/g, '').slice(0, 14)
  return `${digits}-${row.id}`
}

export function decodeCursor(value: string | undefined): Cursor | undefined {
  if (!value) return undefined
  const [stamp, id] = value.split('-')
  const at = DateTime.fromFormat(stamp, 'yyyyMMddHHmmss', { zone: 'utc' })
  if (!at.isValid) return undefined
  return { occurredAt: sqlTime(at), id: Number(id) }
}
