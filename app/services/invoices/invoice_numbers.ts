import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'

/** RE-2026-000001 */
export function formatInvoiceNumber(year: number, sequence: number) {
  return `RE-${year}-${String(sequence).padStart(6, '0')}`
}

/**
 * Creates the year's counter row outside the issuing transaction, so two
 * workers never race on inserting it (an insert under a gap lock deadlocks).
 */
export async function ensureSequenceRow(year: number) {
  await db
    .connection()
    .getWriteClient()
    .table('invoice_number_sequences')
    .insert({ year, last_number: 0 })
    .onConflict('year')
    .ignore()
}

/**
 * Takes the next number inside the caller's transaction. The row lock (FOR
 * UPDATE on MariaDB; SQLite serializes writers anyway) holds other issuers
 * until this transaction ends; a rollback returns the number, so the sequence
 * has no gaps.
 */
export async function takeInvoiceNumber(trx: TransactionClientContract, year: number) {
  const query = trx.from('invoice_number_sequences').where('year', year)
  if (trx.dialect.name !== 'better-sqlite3' && trx.dialect.name !== 'sqlite3') query.forUpdate()
  const row = await query.first()
  if (!row) throw new Error(`invoice number sequence for ${year} is missing`)
  const next = Number(row.last_number) + 1
  await trx.from('invoice_number_sequences').where('year', year).update({ last_number: next })
  return formatInvoiceNumber(year, next)
}
