import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { TRANSACTION_STATUSES, TRANSACTION_TYPES } from '#models/transaction'
import { reader } from '#services/database/reader'
import { rowsOf, sqlTime } from '#services/database/rows'
import { ZONE, type TransactionFilter } from '#services/merchant/transaction_filter'

/*
| `transaction_totals`: the transaction list's totals, kept per Berlin day ('d') and
| Berlin month ('m') × terminal × card brand, one count column per type × status and
| the approved amounts of the types that count into turnover (docs/merchant.md "Totals",
| ADR 1901). The ingest, the hot path, only marks its new rows in
| `transaction_totals_pending` (one narrow row each, same database transaction as the
| INSERT); the worker's `rollup` moves them into the table every few seconds, many
| batches at once (a 1,000-row batch touches ~1,000 keys, a few seconds of batches not
| many more). The list's totals add the pending rows live in the same statement, so they
| are exact at any moment, also while no worker runs. The model's afterCreate hook
| (factories) `add`s directly; the demo seeder and `node ace transactions:totals`
| `rebuild`.
|
| The measure columns come from TRANSACTION_TYPES × TRANSACTION_STATUSES: a new type or
| status needs a migration that adds its columns (when missing: migration 1900 creates
| the table from the lists of its day) and rebuilds, and the type's TURNOVER_SIGN.
*/
export const TOTALS_TABLE = 'transaction_totals'
/** Transactions stored but not yet in TOTALS_TABLE (written by the ingest, emptied by `rollup`). */
export const PENDING_TABLE = 'transaction_totals_pending'
/** Pending rows one rollup transaction moves at most. */
const ROLLUP_BATCH = 50_000
/** Ids per `IN (…)` list (SQLite binds at most 32,766 values). */
const IDS_PER_STATEMENT = 5_000

type TxType = (typeof TRANSACTION_TYPES)[number]
type Dialect = 'mysql' | 'sqlite'
type Grain = 'd' | 'm'

/** How an approved transaction of each type counts into turnover (as `turnoverSql()`). */
const TURNOVER_SIGN: Record<TxType, 1 | -1 | 0> = { sale: 1, refund: -1, reversal: -1, preauth: 0 }

export const COUNT_COLUMNS = TRANSACTION_TYPES.flatMap((type) =>
  TRANSACTION_STATUSES.map((status) => ({ name: `n_${type}_${status}`, type, status }))
)
export const AMOUNT_COLUMNS = TRANSACTION_TYPES.filter((type) => TURNOVER_SIGN[type] !== 0).map(
  (type) => ({ name: `a_${type}`, type, sign: TURNOVER_SIGN[type] })
)
export const KEY_COLUMNS = ['customer_id', 'grain', 'day', 'terminal_id', 'card_brand'] as const
export const MEASURE_COLUMNS = [...COUNT_COLUMNS, ...AMOUNT_COLUMNS].map((column) => column.name)
const COLUMNS = [...KEY_COLUMNS, ...MEASURE_COLUMNS]

/** A stored transaction as the totals need it; `occurred_at` in UTC (SQL text, ISO, Date). */
export type TotalsSource = {
  customer_id: number
  /** terminals.id */
  terminal_id: number
  occurred_at: DateTime | Date | string
  type: string
  status: string
  amount_minor: number
  card_brand: string
}

export type TotalsKey = {
  customer_id: number
  grain: Grain
  day: string
  terminal_id: number
  card_brand: string
}
type TotalsRow = TotalsKey & { measures: number[] }

export type TotalsDifference = TotalsKey & { column: string; table: number; live: number }

const dialectOf = (client: QueryClientContract): Dialect =>
  client.dialect.name.includes('sqlite') ? 'sqlite' : 'mysql'

/** A DATETIME from the driver or a caller (SQL text or ISO without offset = UTC). */
function utc(value: DateTime | Date | string) {
  if (DateTime.isDateTime(value)) return value
  if (value instanceof Date) return DateTime.fromJSDate(value, { zone: 'utc' })
  const sql = DateTime.fromSQL(value, { zone: 'utc' })
  return sql.isValid ? sql : DateTime.fromISO(value, { zone: 'utc' })
}

/* en-CA writes yyyy-MM-dd */
const berlinDate = new Intl.DateTimeFormat('en-CA', {
  timeZone: ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
})
/* UTC hour → its Berlin day: Berlin's offsets are whole hours, so an hour has one day */
const hourDays = new Map<number, string>()

/** The Berlin calendar day (yyyy-MM-dd) of a UTC instant (a rollup asks this per row). */
export function berlinDay(occurredAtUtc: DateTime | Date | string) {
  const ms = occurredAtUtc instanceof Date ? occurredAtUtc.getTime() : utc(occurredAtUtc).toMillis()
  if (!Number.isFinite(ms)) throw new Error(`not a time: ${String(occurredAtUtc)}`)
  const hour = Math.floor(ms / 3_600_000)
  let day = hourDays.get(hour)
  if (day === undefined) {
    day = berlinDate.format(hour * 3_600_000)
    if (hourDays.size > 100_000) hourDays.clear()
    hourDays.set(hour, day)
  }
  return day
}

/** The key of a Berlin month: its first day (yyyy-MM-01). */
export const monthKey = (day: string) => `${day.slice(0, 7)}-01`

/** A DATE from the driver (Date at UTC midnight from mysql2, text from SQLite) as yyyy-MM-dd. */
const dayText = (value: Date | string) =>
  value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10)

const keyText = (k: TotalsKey) =>
  `${k.customer_id}|${k.grain}|${k.day}|${k.terminal_id}|${k.card_brand}`

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/* PK order: concurrent writers lock the same keys in the same order */
function byPrimaryKey(a: TotalsKey, b: TotalsKey) {
  return (
    a.customer_id - b.customer_id ||
    compare(a.grain, b.grain) ||
    compare(a.day, b.day) ||
    a.terminal_id - b.terminal_id ||
    compare(a.card_brand, b.card_brand)
  )
}

/** Sums the rows per key for both grains, in primary-key order. */
function group(rows: TotalsSource[]): TotalsRow[] {
  const byKey = new Map<string, TotalsRow>()
  for (const row of rows) {
    const count = COUNT_COLUMNS.findIndex((c) => c.type === row.type && c.status === row.status)
    if (count < 0) throw new Error(`transaction_totals has no column for ${row.type}/${row.status}`)
    const amount = AMOUNT_COLUMNS.findIndex((c) => c.type === row.type)
    const day = berlinDay(row.occurred_at)
    for (const [grain, key] of [
      ['d', day],
      ['m', monthKey(day)],
    ] as const) {
      const k = { ...pick(row), grain, day: key }
      let total = byKey.get(keyText(k))
      if (!total) byKey.set(keyText(k), (total = { ...k, measures: MEASURE_COLUMNS.map(() => 0) }))
      total.measures[count]++
      if (amount >= 0 && row.status === 'approved') {
        total.measures[COUNT_COLUMNS.length + amount] += Number(row.amount_minor)
      }
    }
  }
  return [...byKey.values()].sort(byPrimaryKey)
}

const pick = (row: TotalsSource) => ({
  customer_id: Number(row.customer_id),
  terminal_id: Number(row.terminal_id),
  card_brand: row.card_brand,
})

/* SQLite binds at most 32,766 values per statement */
const SQLITE_ROWS = Math.floor(32_766 / COLUMNS.length)

/**
 * The upsert adding `rows` to the totals: one multi-row statement (on SQLite one per
 * 2,047 keys, its bind limit), keys in primary-key order (run by `add`).
 */
function upsertStatements(rows: TotalsSource[], dialect: Dialect) {
  const totals = group(rows)
  const chunk = dialect === 'sqlite' ? SQLITE_ROWS : totals.length || 1
  const statements: { sql: string; bindings: (string | number)[] }[] = []
  const tuple = `(${COLUMNS.map(() => '?').join(',')})`
  const update =
    dialect === 'mysql'
      ? `ON DUPLICATE KEY UPDATE ${MEASURE_COLUMNS.map((c) => `${c} = ${c} + VALUES(${c})`).join(', ')}`
      : `ON CONFLICT(${KEY_COLUMNS.join(', ')}) DO UPDATE SET ${MEASURE_COLUMNS.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')}`
  for (let i = 0; i < totals.length; i += chunk) {
    const part = totals.slice(i, i + chunk)
    statements.push({
      sql: `INSERT INTO ${TOTALS_TABLE} (${COLUMNS.join(', ')}) VALUES ${part.map(() => tuple).join(',')} ${update}`,
      bindings: part.flatMap((t) => [...KEY_COLUMNS.map((c) => t[c]), ...t.measures]),
    })
  }
  return statements
}

/** A stored transaction to mark for the rollup, with its customer (the list's index). */
export type PendingMark = { transactionId: number; customerId: number }

/** Marks stored transactions for the rollup: the ingest's statement on its raw connection. */
export function pendingStatement(marks: PendingMark[]) {
  return {
    sql: `INSERT INTO ${PENDING_TABLE} (transaction_id, customer_id) VALUES ${marks.map(() => '(?,?)').join(',')}`,
    bindings: marks.flatMap((mark) => [mark.transactionId, mark.customerId]),
  }
}

/**
 * The Berlin day of a DATETIME column in SQL, for instants of the years given: the
 * offset as a CASE over the zone's transitions (from luxon, so it agrees with
 * `berlinDay`), since MariaDB's time-zone tables are usually not loaded (no CONVERT_TZ).
 */
export function berlinDaySql(column: string, dialect: Dialect, fromYear: number, toYear: number) {
  const end = DateTime.utc(toYear + 1, 1, 1)
  let cursor = DateTime.utc(fromYear, 1, 1)
  const offsets = [cursor.setZone(ZONE).offset]
  const changes: string[] = []
  while (cursor < end) {
    const next = cursor.plus({ days: 1 })
    const offset = next.setZone(ZONE).offset
    if (offset !== offsets[offsets.length - 1]) {
      /* the first second of the new offset, between cursor and next */
      let [low, high] = [cursor.toSeconds(), next.toSeconds()]
      while (high - low > 1) {
        const middle = Math.floor((low + high) / 2)
        if (DateTime.fromSeconds(middle, { zone: ZONE }).offset === offset) high = middle
        else low = middle
      }
      changes.push(DateTime.fromSeconds(high, { zone: 'utc' }).toFormat('yyyy-MM-dd HH:mm:ss'))
      offsets.push(offset)
    }
    cursor = next
  }
  const value = (minutes: number) => (dialect === 'mysql' ? `${minutes}` : `'${minutes} minutes'`)
  const whens = changes.map((at, i) => `WHEN ${column} < '${at}' THEN ${value(offsets[i])}`)
  const offset = whens.length
    ? `CASE ${whens.join(' ')} ELSE ${value(offsets[offsets.length - 1])} END`
    : value(offsets[0])
  return dialect === 'mysql'
    ? `DATE(DATE_ADD(${column}, INTERVAL (${offset}) MINUTE))`
    : `date(${column}, ${offset})`
}

const monthSql = (column: string, dialect: Dialect) =>
  dialect === 'mysql' ? `DATE_FORMAT(${column}, '%Y-%m-01')` : `date(${column}, 'start of month')`

const matches = (type: string, status: string) => `type = '${type}' AND status = '${status}'`

/** SELECT of the day-grain rows computed live from `transactions` (the scope's customers). */
async function dailySelect(
  client: QueryClientContract,
  customerIds?: number[],
  { withoutPending = false } = {}
) {
  const conditions = [
    ...(customerIds ? [`customer_id IN (${customerIds.map(() => '?').join(',')})`] : []),
    ...(withoutPending ? [`id NOT IN (SELECT transaction_id FROM ${PENDING_TABLE})`] : []),
  ]
  const scope = conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''
  const range = await client
    .from('transactions')
    .if(customerIds, (q) => q.whereIn('customer_id', customerIds!))
    .min('occurred_at as first')
    .max('occurred_at as last')
    .first()
  if (!range?.first) return null
  /* a year of margin on both sides: a row may arrive while this runs */
  const years = [utc(range.first).year - 1, Math.max(utc(range.last).year, DateTime.utc().year) + 1]
  const day = berlinDaySql('occurred_at', dialectOf(client), years[0], years[1])
  const sums = [
    ...COUNT_COLUMNS.map((c) => `SUM(CASE WHEN ${matches(c.type, c.status)} THEN 1 ELSE 0 END)`),
    ...AMOUNT_COLUMNS.map(
      (c) => `SUM(CASE WHEN ${matches(c.type, 'approved')} THEN amount_minor ELSE 0 END)`
    ),
  ]
  return {
    sql: `SELECT customer_id, 'd' AS grain, berlin_day AS day, terminal_id, card_brand, ${sums.map((s, i) => `${s} AS ${MEASURE_COLUMNS[i]}`).join(', ')}
      FROM (SELECT customer_id, terminal_id, card_brand, type, status, amount_minor, ${day} AS berlin_day
            FROM transactions ${scope}) src
      GROUP BY customer_id, berlin_day, terminal_id, card_brand`,
    bindings: customerIds ?? [],
  }
}

/* results of the pure date helpers per period (luxon's zone arithmetic costs per request) */
const memos = new Map<string, any>()
function memo<T>(key: string, compute: () => T): T {
  if (memos.has(key)) return memos.get(key)
  const value = compute()
  if (memos.size > 2000) memos.clear()
  memos.set(key, value)
  return value
}

/** The full Berlin months in [from, to] from grain 'm', the edge days from grain 'd'. */
export function periodRanges(fromDate: string, toDate: string) {
  return memo(`ranges|${fromDate}|${toDate}`, () => computePeriodRanges(fromDate, toDate))
}

function computePeriodRanges(fromDate: string, toDate: string) {
  const from = DateTime.fromISO(fromDate, { zone: 'utc' })
  const to = DateTime.fromISO(toDate, { zone: 'utc' })
  const firstMonth = from.day === 1 ? from : from.plus({ months: 1 }).startOf('month')
  const lastMonthEnd = to.plus({ days: 1 }).day === 1 ? to : to.startOf('month').minus({ days: 1 })
  const iso = (value: DateTime) => value.toISODate()!
  if (firstMonth > lastMonthEnd) return [{ grain: 'd' as Grain, from: fromDate, to: toDate }]
  const ranges = [
    { grain: 'm' as Grain, from: iso(firstMonth), to: iso(lastMonthEnd.startOf('month')) },
  ]
  if (from < firstMonth)
    ranges.push({ grain: 'd', from: fromDate, to: iso(firstMonth.minus({ days: 1 })) })
  if (lastMonthEnd < to)
    ranges.push({ grain: 'd', from: iso(lastMonthEnd.plus({ days: 1 })), to: toDate })
  return ranges
}

export const TransactionTotals = {
  /** Adds rows that were really inserted, in the caller's transaction (`client`). */
  async add(client: QueryClientContract, rows: TotalsSource[]) {
    for (const { sql, bindings } of upsertStatements(rows, dialectOf(client))) {
      await client.rawQuery(sql, bindings)
    }
  },

  /**
   * Moves pending transactions into the table: each round claims up to 50,000 pending
   * rows (DELETE … RETURNING: two workers never claim the same row), reads those
   * transactions and adds them, in one database transaction — each row is counted
   * exactly once, or stays pending when anything fails. Returns the rows moved.
   */
  async rollup(client: QueryClientContract = db.connection()) {
    let moved = 0
    while (true) {
      const claimed = await client.transaction(async (trx) => {
        const sqlite = dialectOf(trx) === 'sqlite'
        const deleted = rowsOf(
          await trx.rawQuery(
            sqlite
              ? `DELETE FROM ${PENDING_TABLE} WHERE transaction_id IN (SELECT transaction_id FROM ${PENDING_TABLE} ORDER BY transaction_id LIMIT ?) RETURNING transaction_id`
              : `DELETE FROM ${PENDING_TABLE} ORDER BY transaction_id LIMIT ? RETURNING transaction_id`,
            [ROLLUP_BATCH]
          )
        )
        const ids = deleted.map((row) => Number(row.transaction_id))
        for (let i = 0; i < ids.length; i += IDS_PER_STATEMENT) {
          const rows = await trx
            .from('transactions')
            .whereIn('id', ids.slice(i, i + IDS_PER_STATEMENT))
            .select(
              'customer_id',
              'terminal_id',
              'occurred_at',
              'type',
              'status',
              'amount_minor',
              'card_brand'
            )
          await TransactionTotals.add(trx, rows as TotalsSource[])
        }
        return ids.length
      })
      moved += claimed
      if (claimed < ROLLUP_BATCH) return moved
    }
  },

  /** How many stored transactions wait for the rollup. */
  async pendingCount(client: QueryClientContract = db.connection()) {
    const row = await client.from(PENDING_TABLE).count('* as n').first()
    return Number(row?.n ?? 0)
  },

  /**
   * Recomputes the totals of these customers (default: all) from `transactions`, set-based,
   * in `client`'s transaction or a new one. Returns the rows written (both grains).
   */
  async rebuild(client: QueryClientContract = db.connection(), customerIds?: number[]) {
    if (customerIds && !customerIds.length) return 0
    const run = async (trx: QueryClientContract) => {
      const scoped = (query: any) =>
        customerIds ? query.whereIn('customer_id', customerIds) : query
      await scoped(trx.from(TOTALS_TABLE)).delete()
      /* the rebuild counts every stored transaction: none of the scope stays pending */
      await trx
        .from(PENDING_TABLE)
        .if(customerIds, (q) =>
          q.where((scope) =>
            scope
              .whereIn('customer_id', customerIds!)
              /* marks written by a release before migration 1902 carry no customer */
              .orWhereIn(
                'transaction_id',
                trx.from('transactions').whereIn('customer_id', customerIds!).select('id')
              )
          )
        )
        .delete()
      const daily = await dailySelect(trx, customerIds)
      if (!daily) return 0
      const columns = COLUMNS.join(', ')
      await trx.rawQuery(`INSERT INTO ${TOTALS_TABLE} (${columns}) ${daily.sql}`, daily.bindings)
      const month = monthSql('day', dialectOf(trx))
      const scope = customerIds
        ? `AND customer_id IN (${customerIds.map(() => '?').join(',')})`
        : ''
      await trx.rawQuery(
        `INSERT INTO ${TOTALS_TABLE} (${columns})
         SELECT customer_id, 'm', ${month}, terminal_id, card_brand, ${MEASURE_COLUMNS.map((c) => `SUM(${c})`).join(', ')}
         FROM ${TOTALS_TABLE} WHERE grain = 'd' ${scope}
         GROUP BY customer_id, ${month}, terminal_id, card_brand`,
        customerIds ?? []
      )
      const written = await scoped(trx.from(TOTALS_TABLE)).count('* as n').first()
      return Number(written?.n ?? 0)
    }
    return client.isTransaction ? run(client) : client.transaction(run)
  },

  /**
   * Where the table and a live sum over the customer's `transactions` that are not
   * pending disagree: one entry per key and column. Both read in one transaction (one
   * snapshot on MariaDB).
   */
  async differences(customerId: number, client: QueryClientContract = db.connection()) {
    return client.transaction(async (trx) => {
      const daily = await dailySelect(trx, [customerId], { withoutPending: true })
      const live = new Map<string, TotalsRow>()
      for (const raw of daily ? rowsOf(await trx.rawQuery(daily.sql, daily.bindings)) : []) {
        const row = toTotalsRow(raw)
        live.set(keyText(row), row)
        const month = { ...row, grain: 'm' as Grain, day: monthKey(row.day) }
        const total = live.get(keyText(month))
        if (total) total.measures = total.measures.map((n, i) => n + row.measures[i])
        else live.set(keyText(month), { ...month, measures: [...row.measures] })
      }
      const table = new Map<string, TotalsRow>()
      for (const raw of await trx.from(TOTALS_TABLE).where('customer_id', customerId)) {
        const row = toTotalsRow(raw)
        table.set(keyText(row), row)
      }
      const found: TotalsDifference[] = []
      for (const key of new Set([...live.keys(), ...table.keys()])) {
        const a = table.get(key)
        const b = live.get(key)
        MEASURE_COLUMNS.forEach((column, i) => {
          const [inTable, inLive] = [a?.measures[i] ?? 0, b?.measures[i] ?? 0]
          if (inTable !== inLive) {
            const { measures, ...k } = (a ?? b)!
            found.push({ ...k, column, table: inTable, live: inLive })
          }
        })
      }
      return found.sort(byPrimaryKey)
    })
  },

  /** True when the table can answer the filter: whole Berlin days, no amount or search filter. */
  answers(filter: TransactionFilter) {
    if (filter.amountMin !== undefined || filter.amountMax !== undefined || filter.q) return false
    const [start, end] = memo(`days|${filter.fromDate}|${filter.toDate}`, () => [
      DateTime.fromISO(filter.fromDate, { zone: ZONE }).startOf('day').toMillis(),
      DateTime.fromISO(filter.toDate, { zone: ZONE }).plus({ days: 1 }).startOf('day').toMillis(),
    ])
    return start === filter.start.toMillis() && end === filter.end.toMillis()
  },

  /** The list's totals ({count, approved, turnover}) from the table, in one statement. */
  async totals(customerIds: number[], filter: TransactionFilter) {
    /* no customer in view (a pending link, a customer hidden until TOTP): nothing to sum,
       and `IN ()` is no SQL for MariaDB */
    if (!customerIds.length) return { count: 0, approved: 0, turnover: 0 }
    const { sql, bindings } = TransactionTotals.totalsStatement(customerIds, filter)
    const row = rowsOf(await reader().rawQuery(sql, bindings))[0]
    return {
      count: Number(row?.count ?? 0),
      approved: Number(row?.approved ?? 0),
      turnover: Number(row?.turnover ?? 0),
    }
  },

  /**
   * The statement of `totals`: the table's rows for the period (ranges OR-ed on the
   * primary key (customer, grain, day), terminal and brand as WHERE, type and status by
   * the columns summed) plus, UNION ALL, the pending transactions of the filter summed
   * live — one statement, so one snapshot: a rollup committing meanwhile is seen
   * either before or after, never half. Written as text, not with the query builder:
   * it runs on every list page, and its shape is a handful of cases.
   */
  totalsStatement(customerIds: number[], filter: TransactionFilter) {
    const chosen = (values: string[] | undefined, value: string) =>
      !values?.length || values.includes(value)
    const counts = COUNT_COLUMNS.filter(
      (c) => chosen(filter.type, c.type) && chosen(filter.status, c.status)
    )
    const approved = counts.filter((c) => c.status === 'approved')
    const amounts = AMOUNT_COLUMNS.filter((a) => approved.some((c) => c.type === a.type))
    const sum = (terms: string[]) => (terms.length ? `COALESCE(SUM(${terms.join(' ')}), 0)` : '0')
    const list = (values: readonly unknown[]) => values.map(() => '?').join(', ')
    const ranges = periodRanges(filter.fromDate, filter.toDate)

    const bindings: unknown[] = [...customerIds]
    let table =
      `SELECT ${sum(counts.map((c, i) => `${i ? '+ ' : ''}${c.name}`))} AS count, ` +
      `${sum(approved.map((c, i) => `${i ? '+ ' : ''}${c.name}`))} AS approved, ` +
      `${sum(amounts.map((a) => `${a.sign > 0 ? '+' : '-'} ${a.name}`))} AS turnover ` +
      `FROM ${TOTALS_TABLE} WHERE customer_id IN (${list(customerIds)}) AND (` +
      ranges.map(() => '(grain = ? AND day BETWEEN ? AND ?)').join(' OR ') +
      ')'
    for (const range of ranges) bindings.push(range.grain, range.from, range.to)
    if (filter.terminalDbId) {
      table += ' AND terminal_id = ?'
      bindings.push(filter.terminalDbId)
    }
    if (filter.brand?.length) {
      table += ` AND card_brand IN (${list(filter.brand)})`
      bindings.push(...filter.brand)
    }

    const turnover = AMOUNT_COLUMNS.map(
      (a) =>
        `WHEN t.status = 'approved' AND t.type = '${a.type}' THEN ${a.sign > 0 ? '' : '-'}t.amount_minor`
    ).join(' ')
    let pending =
      `SELECT COUNT(*) AS count, COALESCE(SUM(CASE WHEN t.status = 'approved' THEN 1 ELSE 0 END), 0) AS approved, ` +
      `COALESCE(SUM(CASE ${turnover} ELSE 0 END), 0) AS turnover ` +
      /* the mark's customer finds the marks by index; the transaction's own customer decides */
      `FROM ${PENDING_TABLE} p INNER JOIN transactions t ON t.id = p.transaction_id AND t.customer_id = p.customer_id ` +
      `WHERE p.customer_id IN (${list(customerIds)}) AND t.occurred_at >= ? AND t.occurred_at < ?`
    bindings.push(...customerIds, sqlTime(filter.start), sqlTime(filter.end))
    for (const [column, values] of [
      ['terminal_id', filter.terminalDbId ? [filter.terminalDbId] : undefined],
      ['card_brand', filter.brand],
      ['type', filter.type],
      ['status', filter.status],
    ] as const) {
      if (!values?.length) continue
      pending += ` AND t.${column} IN (${list(values)})`
      bindings.push(...values)
    }

    return {
      sql: `SELECT SUM(count) AS count, SUM(approved) AS approved, SUM(turnover) AS turnover FROM (${table} UNION ALL ${pending}) parts`,
      bindings: bindings as (string | number)[],
    }
  },
}

function toTotalsRow(raw: Record<string, any>): TotalsRow {
  return {
    customer_id: Number(raw.customer_id),
    grain: raw.grain,
    day: dayText(raw.day),
    terminal_id: Number(raw.terminal_id),
    card_brand: raw.card_brand,
    measures: MEASURE_COLUMNS.map((column) => Number(raw[column] ?? 0)),
  }
}
