import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { StrictValues } from '@adonisjs/lucid/types/querybuilder'
import { fieldsWithPan, jsonTextMayHoldPan } from '#services/ingest/pan_guard'
import { LiveFeed, type LiveTransaction } from '#services/ingest/live_feed'
import { PENDING_TABLE, pendingStatement } from '#services/merchant/transaction_totals'
import {
  normalizeMaskedPan,
  validateIngestItem,
  type FieldError,
  type IngestItem,
} from '#services/ingest/item_validator'

export const MAX_ITEMS_PER_REQUEST = 1000

export type ItemError = FieldError
export type ItemResult =
  | { index: number; status: 'created'; reference: string; id: number }
  | { index: number; status: 'duplicate'; reference: string }
  | { index: number; status: 'rejected'; reference?: string; errors: ItemError[] }

export type IngestResult = {
  results: ItemResult[]
  counts: { created: number; duplicate: number; rejected: number }
}

type Row = LiveTransaction & { index: number; terminalRowId: number }
type Inserted = { id: number; reference: string }[]

const COLUMNS = [
  'reference',
  'customer_id',
  'terminal_id',
  'occurred_at',
  'type',
  'status',
  'amount_minor',
  'currency',
  'card_brand',
  'pan_masked',
  'pan_last4',
  'auth_code',
  'receipt_number',
  'created_at',
] as const

const PAN_MESSAGE =
  'Contains a full card number (13–19 digits passing the Luhn check); the item was refused and nothing of it was stored. Send pan_masked with at most the first 6 and last 4 digits.'

/** Takes a batch from the processing host: validates each item, stores the good ones, publishes them. */
export class IngestService {
  /**
   * Validates every item on its own, stores the valid new ones in one transaction,
   * returns per-item answers. `jsonText`, the request body the items were parsed
   * from, lets one scan of the text clear the whole batch of card numbers.
   */
  async ingest(items: unknown[], jsonText?: string | null): Promise<IngestResult> {
    const results: ItemResult[] = new Array(items.length)
    const valid: { index: number; item: IngestItem }[] = []
    const now = Date.now()
    const textMayHoldPan = typeof jsonText === 'string' ? jsonTextMayHoldPan(jsonText) : true

    for (const [index, raw] of items.entries()) {
      /* first, before anything else looks at the item: a full PAN anywhere refuses it */
      const panFields = fieldsWithPan(raw, textMayHoldPan)
      if (panFields.length) {
        const errors = panFields.map((field) => ({
          message: PAN_MESSAGE,
          rule: 'card_number',
          field,
        }))
        results[index] = { index, status: 'rejected', errors }
        continue
      }
      const { item, errors } = validateIngestItem(raw, now)
      if (item) {
        valid.push({ index, item })
      } else {
        results[index] = { index, status: 'rejected', reference: echo(raw), errors }
      }
    }

    const rows = await this.#resolveTerminals(valid, results)
    const created = await this.#store(rows)
    for (const row of rows) {
      results[row.index] = created.has(row.index)
        ? { index: row.index, status: 'created', reference: row.reference, id: row.id }
        : { index: row.index, status: 'duplicate', reference: row.reference }
    }
    return { results, counts: count(results) }
  }

  /** Maps each TID to its terminal row and customer; unknown TIDs reject their item. */
  async #resolveTerminals(valid: { index: number; item: IngestItem }[], results: ItemResult[]) {
    const tids = [...new Set(valid.map(({ item }) => item.terminal_id))]
    const terminals = tids.length
      ? await db
          .from('terminals')
          .whereIn('terminal_id', tids)
          .select('id', 'terminal_id', 'customer_id')
      : []
    const byTid = new Map(terminals.map((t) => [String(t.terminal_id), t]))
    const seen = new Set<string>()
    const rows: Row[] = []
    for (const { index, item } of valid) {
      const terminal = byTid.get(item.terminal_id)
      if (!terminal) {
        results[index] = {
          index,
          status: 'rejected',
          reference: item.reference,
          errors: [{ message: 'Unknown Terminal-ID', rule: 'exists', field: 'terminal_id' }],
        }
        continue
      }
      const row = toRow(index, item, terminal)
      /* a repeat of a reference within the batch is a duplicate of the first */
      if (seen.has(row.reference)) row.id = -1
      seen.add(row.reference)
      rows.push(row)
    }
    return rows
  }

  /**
   * One multi-row INSERT that skips existing references, as one transaction;
   * RETURNING tells which rows were really new, even under concurrent batches.
   * Returns the indexes of the created items.
   */
  async #store(rows: Row[]) {
    const fresh = rows.filter((row) => row.id !== -1)
    const created = new Set<number>()
    if (!fresh.length) return created

    /* a raw multi-row INSERT (the hot path), not a model: its timestamps are written here */
    const now = DateTime.utc().toFormat('yyyy-MM-dd HH:mm:ss')
    /*
     * Keys in ascending order: two batches racing for the same references then
     * lock them in the same order (InnoDB's duplicate-key locks can deadlock otherwise).
     */
    fresh.sort((a, b) => (a.reference < b.reference ? -1 : a.reference > b.reference ? 1 : 0))
    const tuples = fresh.map((row) => [
      row.reference,
      row.customer_id,
      row.terminalRowId,
      toSqlDateTime(row.occurred_at),
      row.type,
      row.status,
      row.amount_minor,
      row.currency,
      row.card_brand,
      row.pan_masked,
      row.pan_last4,
      row.auth_code,
      row.receipt_number,
      now,
    ])
    const columns = COLUMNS.join(',')
    const sqlite = db.connection().dialect.name.includes('sqlite')
    const byReference = new Map(fresh.map((row) => [row.reference, row]))
    /* the rows really inserted, marked for the totals' rollup with their customer (ADR 1901) */
    const marksOf = (returned: Inserted) =>
      returned.map(({ id, reference }) => ({
        transactionId: Number(id),
        customerId: byReference.get(reference)!.customer_id,
      }))

    /*
     * The INSERT and the marks for the list's totals (`transaction_totals_pending`, one
     * narrow row per new transaction, with its customer; the worker's rollup adds them up)
     * commit together: all rows or none, committed when the answer arrives.
     */
    let inserted: Inserted
    if (sqlite) {
      const placeholders = `(${COLUMNS.map(() => '?').join(',')})`
      const values = tuples.map(() => placeholders).join(',')
      inserted = await db.transaction(async (trx) => {
        const returned: Inserted = await trx.rawQuery(
          `INSERT INTO transactions (${columns}) VALUES ${values} ON CONFLICT(reference) DO NOTHING RETURNING id, reference`,
          tuples.flat() as StrictValues[]
        )
        /* SQLite binds at most 32,766 values: a batch has at most 1,000 (2,000 values) */
        if (returned.length) {
          await trx.table(PENDING_TABLE).multiInsert(
            marksOf(returned).map((mark) => ({
              transaction_id: mark.transactionId,
              customer_id: mark.customerId,
            }))
          )
        }
        return returned
      })
    } else {
      const sql = `INSERT IGNORE INTO transactions (${columns}) VALUES ${rowPlaceholders(tuples.length)} RETURNING id, reference`
      /* a deadlock victim's transaction is rolled back whole: run all of it again */
      inserted = await retryOnDeadlock(() =>
        inTransaction(async (connection) => {
          const returned = await execute<Inserted>(connection, sql, tuples.flat())
          if (returned.length) {
            const pending = pendingStatement(marksOf(returned))
            await query(connection, pending.sql, pending.bindings)
          }
          return returned
        })
      )
    }

    const published: LiveTransaction[] = []
    for (const { id, reference } of inserted) {
      const row = byReference.get(reference)
      if (!row) continue
      row.id = Number(id)
      created.add(row.index)
      published.push(row)
    }
    /* after the commit: a subscriber never sees a transaction that was rolled back */
    LiveFeed.publishTransactions(published)
    return created
  }
}

function toRow(
  index: number,
  item: IngestItem,
  terminal: { id: number; terminal_id: string; customer_id: number }
): Row {
  const panMasked = item.pan_masked ? normalizeMaskedPan(item.pan_masked) : null
  const last4 = panMasked?.slice(-4)
  return {
    index,
    id: 0,
    terminalRowId: terminal.id,
    customer_id: terminal.customer_id,
    reference: item.reference,
    terminal_id: String(terminal.terminal_id),
    occurred_at: item.occurred_at,
    type: item.type,
    status: item.status,
    amount_minor: item.amount_minor,
    currency: item.currency,
    card_brand: item.card_brand,
    pan_masked: panMasked,
    pan_last4: last4 && /^\d{4}$/.test(last4) ? last4 : null,
    auth_code: item.auth_code ?? null,
    receipt_number: item.receipt_number ?? null,
  }
}

/** '2026-11-27T09:15:00.000Z' → '2026-11-27 09:15:00' (UTC, as the connection stores it). */
/** Runs an idempotent transaction again when InnoDB chose it as a deadlock victim (or timed out). */
async function retryOnDeadlock<T>(run: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run()
    } catch (error) {
      const errno = (error as { errno?: number }).errno
      if (attempt >= attempts || (errno !== 1213 && errno !== 1205)) throw error
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt))
    }
  }
}

const ROW_PLACEHOLDERS = `(${COLUMNS.map(() => '?').join(',')})`
const placeholderCache = new Map<number, string>()

/** `(?,…),(?,…)…` for that many rows; the same text for the same count, so the statement is reused. */
function rowPlaceholders(rows: number) {
  let text = placeholderCache.get(rows)
  if (!text) {
    text = new Array(rows).fill(ROW_PLACEHOLDERS).join(',')
    if (placeholderCache.size < 64) placeholderCache.set(rows, text)
  }
  return text
}

type MysqlConnection = {
  execute(sql: string, values: unknown[], done: (error: Error | null, rows: unknown) => void): void
  query(sql: string, values: unknown[], done: (error: Error | null, rows: unknown) => void): void
  destroy(): void
}

/**
 * Runs `work` as one transaction on a connection of Lucid's write pool (raw mysql2,
 * so the INSERT can be a server-side prepared statement: see `execute`). On any
 * error it rolls back; a connection that cannot even roll back is destroyed, never
 * handed back to the pool with a transaction open.
 */
async function inTransaction<T>(work: (connection: MysqlConnection) => Promise<T>): Promise<T> {
  const client = db.connection().getWriteClient().client
  const connection: MysqlConnection = await client.acquireConnection()
  try {
    await query(connection, 'START TRANSACTION')
    try {
      const result = await work(connection)
      await query(connection, 'COMMIT')
      return result
    } catch (error) {
      await query(connection, 'ROLLBACK').catch(() => connection.destroy())
      throw error
    }
  } finally {
    await client.releaseConnection(connection)
  }
}

/**
 * Runs a statement as a server-side prepared statement (MySQL binary protocol).
 * mysql2 keeps it prepared per connection (`maxPreparedStatements` in
 * config/database.ts bounds how many), so a full 1,000-row batch is parsed by the
 * server once per connection, not per request, and the values travel without being
 * escaped into SQL text.
 */
function execute<T>(connection: MysqlConnection, sql: string, values: unknown[]): Promise<T> {
  return new Promise<T>((resolve, reject) =>
    connection.execute(sql, values, (error, rows) => (error ? reject(error) : resolve(rows as T)))
  )
}

/* a plain statement (text protocol): its shape varies, so preparing it would only evict the INSERT */
function query(connection: MysqlConnection, sql: string, values: unknown[] = []) {
  return new Promise<unknown>((resolve, reject) =>
    connection.query(sql, values, (error, rows) => (error ? reject(error) : resolve(rows)))
  )
}

function toSqlDateTime(iso: string) {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`
}

/** The item's reference, for the answer, when it is a plain string (PAN items never get here). */
function echo(raw: unknown) {
  const reference = (raw as { reference?: unknown } | null)?.reference
  return typeof reference === 'string' ? reference.slice(0, 64) : undefined
}

function count(results: ItemResult[]) {
  const counts = { created: 0, duplicate: 0, rejected: 0 }
  for (const result of results) counts[result.status]++
  return counts
}
