import type { DateTime } from 'luxon'
import type Terminal from '#models/terminal'
import type { CardBrand } from '#models/transaction'
import { TransactionFactory } from '#database/factories/transaction_factory'
import { given } from '#tests/helpers/factory_input'

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
  if (specs.length === 0) return []
  const rows = await TransactionFactory.merge(
    specs.map((spec) => ({
      ...given({
        type: spec.type,
        status: spec.status,
        amountMinor: spec.amountMinor,
        cardBrand: spec.cardBrand as CardBrand | undefined,
        panLast4: spec.panLast4,
        receiptNumber: spec.receiptNumber,
        occurredAt: spec.occurredAt?.toUTC(),
      }),
      /* a given last 4 digits make the masked PAN, unless that is given too */
      ...(spec.panLast4 !== undefined && spec.panMasked === undefined
        ? { panMasked: spec.panLast4 ? `672000******${spec.panLast4}` : null }
        : given({ panMasked: spec.panMasked })),
      customerId: terminal.customerId,
      terminalId: terminal.id,
    }))
  ).createMany(specs.length)
  return rows.map((row) => row.id)
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
