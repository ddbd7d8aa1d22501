import db from '@adonisjs/lucid/services/db'
import type { ImportCounts } from '#services/import/import_summary'

export type RowValues = Record<string, string | number | null>

export interface UpsertTarget {
  table: string
  /** The natural key with a unique index (customer_number, terminal_id). */
  key: string
  /** Data columns compared and written, the key included. */
  columns: readonly string[]
  /** Date columns, read back as YYYY-MM-DD for the comparison. */
  dateColumns?: readonly string[]
  connection?: string
}

/**
 * Writes one batch as a single multi-row upsert (ON DUPLICATE KEY UPDATE on MySQL,
 * ON CONFLICT DO UPDATE on SQLite). The batch's existing rows are read first, so only new
 * or changed rows are written and the counts say honestly what happened.
 */
export async function upsertBatch(target: UpsertTarget, rows: RowValues[], counts: ImportCounts) {
  if (rows.length === 0) return
  const client = db.connection(target.connection)
  const isMysql = client.dialect.name === 'mysql'
  const selects = target.columns.map((column) =>
    target.dateColumns?.includes(column) && isMysql
      ? client.knexRawQuery(`DATE_FORMAT(??, '%Y-%m-%d') as ??`, [column, column])
      : column
  )
  const keys = rows.map((row) => row[target.key] as string)
  const existing = new Map<string, RowValues>()
  for (const row of await client
    .knexQuery()
    .from(target.table)
    .select(selects)
    .whereIn(target.key, keys)) {
    existing.set(String(row[target.key]), row)
  }

  const now = new Date().toISOString().slice(0, 19).replace('T', ' ')
  const writes: RowValues[] = []
  for (const row of rows) {
    const before = existing.get(row[target.key] as string)
    if (!before) counts.inserted++
    else if (target.columns.some((column) => !same(before[column], row[column]))) counts.updated++
    else {
      counts.unchanged++
      continue
    }
    writes.push({ ...row, created_at: now, updated_at: now })
  }
  if (writes.length === 0) return

  const merge = [...target.columns.filter((column) => column !== target.key), 'updated_at']
  await client.knexQuery().table(target.table).insert(writes).onConflict(target.key).merge(merge)
}

function same(stored: unknown, incoming: string | number | null) {
  if (stored === null || stored === undefined) return incoming === null
  if (incoming === null) return false
  return String(stored) === String(incoming)
}
