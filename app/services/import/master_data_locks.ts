import { DateTime } from 'luxon'
import type { BatchContext, ParsedRow } from '#services/import/batch_writer'
import type { RowValues } from '#services/import/upsert_batch'

type LockRow = {
  customer_number: string
  customer_id: number
  field: string
  value: string | null
  applied_at: Date | string
  reference: string | null
}

/**
 * The customer import and approved change requests (master_data_locks, written
 * when a change is applied): a row whose value for a locked field differs keeps
 * the portal's value and is reported as a conflict (its other fields still load);
 * a row that carries the same value releases the lock, as the source system has
 * caught up. Values are never echoed: an IBAN would be account data in a log.
 */
export async function keepLockedFields(
  rows: ParsedRow<RowValues>[],
  context: Pick<BatchContext, 'reader' | 'writer' | 'conflict'>
) {
  const numbers = rows.map((row) => row.value.customer_number as string)
  const locks: LockRow[] = await (
    await context.reader()
  )
    .knexQuery()
    .from('master_data_locks as l')
    .join('customers as c', 'c.id', 'l.customer_id')
    .leftJoin('change_requests as r', 'r.id', 'l.change_request_id')
    .whereIn('c.customer_number', numbers)
    .select(
      'c.customer_number',
      'l.customer_id',
      'l.field',
      'l.value',
      'l.applied_at',
      'r.reference'
    )
  if (locks.length === 0) return
  const byCustomer = new Map<string, LockRow[]>()
  for (const lock of locks) {
    byCustomer.set(lock.customer_number, [...(byCustomer.get(lock.customer_number) ?? []), lock])
  }
  const released: LockRow[] = []
  for (const row of rows) {
    for (const lock of byCustomer.get(row.value.customer_number as string) ?? []) {
      if (!(lock.field in row.value)) continue
      if (same(row.value[lock.field], lock.value)) {
        released.push(lock)
        continue
      }
      row.value[lock.field] = lock.value
      context.conflict(
        row.line,
        `${lock.field} conflicts with an approved change of ${day(lock.applied_at)} (${lock.reference ?? 'change request'}); kept the portal's value`
      )
    }
  }
  if (released.length === 0) return
  const writer = await context.writer()
  for (const lock of released) {
    await writer
      .knexQuery()
      .from('master_data_locks')
      .where('customer_id', lock.customer_id)
      .where('field', lock.field)
      .delete()
  }
}

function same(incoming: string | number | null | undefined, locked: string | null) {
  const a = incoming === null || incoming === undefined ? '' : String(incoming)
  return a === (locked ?? '')
}

/** TT.MM.JJJJ in Berlin time (the operator's reading of the import's output). */
function day(value: Date | string) {
  const dt =
    value instanceof Date
      ? DateTime.fromJSDate(value)
      : DateTime.fromSQL(String(value), { zone: 'utc' })
  return dt.setZone('Europe/Berlin').toFormat('dd.MM.yyyy')
}
