import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type Terminal from '#models/terminal'

let sequence = 0

export type TxSpec = {
  occurredAt?: DateTime
  type?: 'sale' | 'refund' | 'reversal' | 'preauth'
  status?: 'approved' | 'declined'
  amountMinor?: number
  cardBrand?: string
  panMasked?: string | null
  panLast4?: string | null
  receiptNumber?: string | null
}

/** Inserts transactions for a terminal (of its customer); returns their ids in insert order. */
export async function addTransactions(terminal: Terminal, specs: TxSpec[]) {
  const rows = specs.map((spec) => {
    const n = ++sequence
    const last4 = spec.panLast4 === undefined ? String(1000 + (n % 9000)) : spec.panLast4
    return {
      reference: `TX-${process.pid}-${n}-${Math.random().toString(36).slice(2, 8)}`,
      customer_id: terminal.customerId,
      terminal_id: terminal.id,
      occurred_at: (spec.occurredAt ?? DateTime.utc().minus({ minutes: n }))
        .toUTC()
        .toFormat('yyyy-MM-dd HH:mm:ss'),
      type: spec.type ?? 'sale',
      status: spec.status ?? 'approved',
      amount_minor: spec.amountMinor ?? 1000 + n,
      currency: 'EUR',
      card_brand: spec.cardBrand ?? 'girocard',
      pan_masked:
        spec.panMasked === undefined ? (last4 ? `672000******${last4}` : null) : spec.panMasked,
      pan_last4: last4,
      auth_code: `A${n}`,
      receipt_number: spec.receiptNumber === undefined ? `R${10000 + n}` : spec.receiptNumber,
      created_at: DateTime.utc().toFormat('yyyy-MM-dd HH:mm:ss'),
    }
  })
  const ids: number[] = []
  for (const row of rows) {
    const [id] = await db.table('transactions').insert(row)
    ids.push(Number(id))
  }
  return ids
}

/** Rows of a transaction list page: the data-id of each <tr>. */
export function rowIds(html: string) {
  const body = html.match(/<tbody[^>]*id="transaction-rows"[\s\S]*?<\/tbody>/)?.[0] ?? ''
  return [...body.matchAll(/<tr data-id="(\d+)"/g)].map((m) => Number(m[1]))
}

/** Every run of 7+ digits (possibly separated by spaces/dashes) in a body — card-like numbers. */
export function longDigitRuns(text: string) {
  return [...text.matchAll(/\d(?:[ -]?\d){10,}/g)].map((m) => m[0])
}

/** The page as a user reads it: tags stripped, non-breaking spaces as spaces. */
export function visibleText(html: string) {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;|\u00a0|\u202f/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
}

/** A 404 page minus what differs per request (CSRF token, nonce, the echoed URL). */
export function notFoundShape(response: { status: number; text: string }) {
  const main = response.text.match(/<main[\s\S]*<\/main>/)?.[0] ?? response.text
  return { status: response.status, main: main.replace(/value="[^"]*"/g, '') }
}

/** The page's <main> (without the header, whose switch lists every linked customer). */
export function mainOf(html: string) {
  return html.match(/<main[\s\S]*<\/main>/)?.[0] ?? ''
}
