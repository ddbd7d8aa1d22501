import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { reader } from '#services/database/reader'
import { rowsOf, sqlTime } from '#services/database/rows'
import type { TransactionFilter } from '#services/merchant/transaction_filter'
import { TransactionTotals } from '#services/merchant/transaction_totals'

export type Cursor = { occurredAt: string; id: number }
export type Seek = { after?: Cursor; before?: Cursor }
/** A row of ROW_COLUMNS as the driver returns it. */
export type StoredRow = Record<string, any> & { id: number | string; occurred_at: Date | string }

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

export { sqlTime }

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
  /**
   * `SELECT id …` of one page (limit rows) in list order (or reversed for `before`),
   * as text: the list runs it on every page view (docs/performance.md).
   */
  idsStatement(customerIds: number[], filter: TransactionFilter, seek: Seek, limit: number) {
    const index = filter.terminalDbId
      ? 'transactions_terminal_keyset'
      : 'transactions_customer_keyset'
    const hint = isMysql() ? `FORCE INDEX (${index})` : `INDEXED BY ${index}`
    const where = TransactionQuery.filterSql(customerIds, filter, '')
    const bindings = where.bindings
    let sql = `SELECT id FROM transactions ${hint} WHERE ${where.sql}`
    if (seek.after) {
      sql += ' AND occurred_at <= ? AND (occurred_at < ? OR id < ?)'
      bindings.push(seek.after.occurredAt, seek.after.occurredAt, seek.after.id)
    } else if (seek.before) {
      sql += ' AND occurred_at >= ? AND (occurred_at > ? OR id > ?)'
      bindings.push(seek.before.occurredAt, seek.before.occurredAt, seek.before.id)
    }
    const direction = seek.before ? 'ASC' : 'DESC'
    sql += ` ORDER BY occurred_at ${direction}, id ${direction} LIMIT ${Math.trunc(limit)}`
    return { sql, bindings }
  },

  /** The rows for a page, in the given order, with TID and customer number. */
  async page(customerIds: number[], filter: TransactionFilter, seek: Seek, limit: number) {
    const ids = TransactionQuery.idsStatement(customerIds, filter, seek, limit)
    const direction = seek.before ? 'ASC' : 'DESC'
    const sql =
      `SELECT ${ROW_COLUMNS.join(', ')} FROM (${ids.sql}) k ` +
      'INNER JOIN transactions AS t ON t.id = k.id ' +
      'INNER JOIN terminals AS term ON term.id = t.terminal_id ' +
      'INNER JOIN customers AS c ON c.id = t.customer_id ' +
      `ORDER BY t.occurred_at ${direction}, t.id ${direction}`
    return rowsOf(await reader().rawQuery(sql, ids.bindings)) as StoredRow[]
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
    const { sql, bindings } = TransactionQuery.filterSql(customerIds, filter, prefix)
    return query.whereRaw(sql, bindings)
  },

  /** The same WHERE as text with its bindings (`prefix`: the table's alias and a dot, or ''). */
  filterSql(customerIds: number[], filter: TransactionFilter, prefix: string) {
    const bindings: (string | number)[] = []
    const conditions: string[] = []
    const anyOf = (column: string, values: readonly (string | number)[]) => {
      conditions.push(
        values.length ? `${prefix}${column} IN (${values.map(() => '?').join(', ')})` : '1 = 0'
      )
      bindings.push(...values)
    }
    const compare = (column: string, operator: string, value: string | number) => {
      conditions.push(`${prefix}${column} ${operator} ?`)
      bindings.push(value)
    }
    anyOf('customer_id', customerIds)
    if (filter.terminalDbId) compare('terminal_id', '=', filter.terminalDbId)
    compare('occurred_at', '>=', sqlTime(filter.start))
    compare('occurred_at', '<', sqlTime(filter.end))
    /* multi-select: any of the chosen values */
    if (filter.brand?.length) anyOf('card_brand', filter.brand)
    if (filter.type?.length) anyOf('type', filter.type)
    if (filter.status?.length) anyOf('status', filter.status)
    if (filter.amountMin !== undefined) compare('amount_minor', '>=', filter.amountMin)
    if (filter.amountMax !== undefined) compare('amount_minor', '<=', filter.amountMax)
    if (filter.q) {
      const q = filter.q
      if (/^\d{4}$/.test(q)) {
        conditions.push(`(${prefix}pan_last4 = ? OR ${prefix}receipt_number = ?)`)
        bindings.push(q, q)
      } else {
        compare('receipt_number', '=', q)
      }
    }
    return { sql: conditions.join(' AND '), bindings }
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
