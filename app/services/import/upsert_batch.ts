import type { RawQueryBindings } from '@adonisjs/lucid/types/querybuilder'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
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
}

/** The stored rows of a batch's keys, by key. */
export async function readExisting(
  client: QueryClientContract,
  target: UpsertTarget,
  keys: string[]
) {
  const isMysql = client.dialect.name === 'mysql'
  const selects = target.columns.map((column) =>
    target.dateColumns?.includes(column) && isMysql
      ? client.knexRawQuery(`DATE_FORMAT(??, '%Y-%m-%d') as ??`, [column, column])
      : column
  )
  const rows: RowValues[] = await client
    .knexQuery()
    .from(target.table)
    .select(selects)
    .whereIn(target.key, keys)
  return new Map(rows.map((row) => [String(row[target.key]), row]))
}

/**
 * Writes the new and changed rows of a batch as one multi-row upsert (ON DUPLICATE KEY
 * UPDATE on MySQL, ON CONFLICT DO UPDATE on SQLite); unchanged rows are not written, so
 * the counts say honestly what happened.
 */
export async function writeChanged(
  client: QueryClientContract,
  target: UpsertTarget,
  rows: RowValues[],
  existing: Map<string, RowValues>,
  counts: ImportCounts
) {
  const now = new Date().toISOString().slice(0, 19).replace('T', ' ')
  const columns = [...target.columns, 'created_at', 'updated_at']
  const bindings: (string | number | null)[] = []
  let written = 0
  for (const row of rows) {
    const before = existing.get(String(row[target.key]))
    if (!before) counts.inserted++
    else if (target.columns.some((column) => !same(before[column], row[column]))) counts.updated++
    else {
      counts.unchanged++
      continue
    }
    for (const column of target.columns) bindings.push(row[column])
    bindings.push(now, now)
    written++
  }
  if (written === 0) return

  const q = client.dialect.name === 'mysql' ? (name: string) => `\`${name}\`` : quoteSqlite
  const tuple = `(${columns.map(() => '?').join(',')})`
  const updates = [...target.columns.filter((column) => column !== target.key), 'updated_at']
  const conflict =
    client.dialect.name === 'mysql'
      ? `ON DUPLICATE KEY UPDATE ${updates.map((c) => `${q(c)} = VALUES(${q(c)})`).join(', ')}`
      : `ON CONFLICT (${q(target.key)}) DO UPDATE SET ${updates.map((c) => `${q(c)} = excluded.${q(c)}`).join(', ')}`
  const sql = `INSERT INTO ${q(target.table)} (${columns.map(q).join(', ')}) VALUES ${new Array(written).fill(tuple).join(',')} ${conflict}`
  /* Lucid's binding type leaves out null, which knex binds as NULL */
  await client.rawQuery(sql, bindings as unknown as RawQueryBindings)
}

function quoteSqlite(name: string) {
  return `"${name}"`
}

function same(stored: unknown, incoming: string | number | null) {
  if (stored === null || stored === undefined) return incoming === null
  if (incoming === null) return false
  return String(stored) === String(incoming)
}
