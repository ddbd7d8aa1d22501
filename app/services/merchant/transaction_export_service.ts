import { Readable } from 'node:stream'
import { downloadName } from '#services/i18n/download_names'
import type { CustomerScope } from '#services/merchant/customer_scope'
import type { TransactionFilter } from '#services/merchant/transaction_filter'
import { berlinHourPrefix } from '#services/merchant/row_format'
import { csvLine, csvText } from '#services/export/csv_cells'
import {
  TransactionQuery,
  decodeCursor,
  encodeCursor,
  toUtc,
} from '#services/merchant/transaction_query'

export const EXPORT_MAX_MONTHS = 13
const BATCH = 5000

type Translate = (key: string) => string

const HEADER = [
  'date',
  'customer_number',
  'terminal_id',
  'type',
  'status',
  'amount',
  'currency',
  'card_brand',
  'card',
  'receipt_number',
  'auth_code',
  'reference',
]

/** '00' … '99': minutes, seconds and cents without padStart per cell. */
const TWO = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'))

/**
 * The CSV export of a filter: the list's own keyset query walked in batches,
 * so memory stays flat at any size and the rows equal the list's rows.
 * German: `;` and decimal comma (Excel in Germany); English: `,` and dot.
 * UTF-8 with BOM; the card only as brand + last 4. Every text cell is
 * neutralised against formulas (`csv_cells.ts`); the amount stays a number.
 */
export const TransactionExportService = {
  stream(scope: CustomerScope, filter: TransactionFilter, locale: string, translate: Translate) {
    const german = locale !== 'en'
    const delimiter = german ? ';' : ','
    const ids = scope.ids
    const line = rowWriter(german, delimiter, translate)

    const fetch = (after?: string) => {
      const batch = TransactionQuery.exportBatch(ids, filter, decodeCursor(after), BATCH)
      /* a download broken off leaves one batch unread: its failure must not go unhandled */
      batch.catch(() => {})
      return batch
    }

    /*
     * One string per keyset batch: few objects, backpressure per chunk, memory flat
     * (at most two batches held). The next batch is asked for before this one is
     * formatted, so the database reads while Node writes CSV.
     */
    async function* chunks() {
      const header = HEADER.map((key) => csvText(translate(`transactions.csv.${key}`), delimiter))
      yield '\uFEFF' + csvLine(header, delimiter)
      let pending = fetch()
      while (true) {
        const raw = await pending
        const full = raw.length === BATCH
        if (full) pending = fetch(encodeCursor(raw[raw.length - 1]))
        let chunk = ''
        for (const item of raw) chunk += line(item)
        if (chunk) yield chunk
        if (!full) return
      }
    }

    return Readable.from(chunks(), { objectMode: false })
  },

  filename(filter: TransactionFilter, locale: string) {
    return downloadName(locale, 'transactions_csv', { from: filter.fromDate, to: filter.toDate })
  },
}

/**
 * The line writer of one export, straight from the driver's rows (no model or
 * luxon object per row). A million rows hold a handful of distinct labels,
 * customer numbers, TIDs and currencies: each is translated and made a safe
 * cell once (`cells`); only the free texts from the processing host (receipt,
 * auth code, reference) go through the formula check per row. The amount is
 * written from the integer cents, so it stays a number in every spreadsheet.
 */
function rowWriter(german: boolean, delimiter: string, translate: Translate) {
  const memo = new Map<string, string>()
  const cell = (value: string) => {
    let safe = memo.get(value)
    if (safe === undefined) {
      safe = csvText(value, delimiter)
      if (memo.size > 10_000) memo.clear()
      memo.set(value, safe)
    }
    return safe
  }
  /* one map per labelled column, keyed by the stored value (no key text built per row) */
  const labelled = (prefix: string) => {
    const cells = new Map<string, string>()
    return (value: string) => {
      let safe = cells.get(value)
      if (safe === undefined) {
        cells.set(value, (safe = csvText(translate(`${prefix}.${value}`), delimiter)))
      }
      return safe
    }
  }
  const type = labelled('transactions.types')
  const status = labelled('transactions.statuses')
  const brand = labelled('transactions.brands')
  const decimal = german ? ',' : '.'
  const d = delimiter

  return (row: Record<string, any>) => {
    const at =
      row.occurred_at instanceof Date
        ? row.occurred_at.getTime()
        : toUtc(row.occurred_at).toMillis()
    const inHour = ((at % 3_600_000) + 3_600_000) % 3_600_000
    const time = `${berlinHourPrefix(at, german)}${TWO[Math.floor(inHour / 60_000)]}:${TWO[Math.floor((inHour % 60_000) / 1000)]}`
    const minor = Number(row.amount_minor)
    const cents = Math.abs(minor)
    const amount = `${minor < 0 ? '-' : ''}${Math.floor(cents / 100)}${decimal}${TWO[cents % 100]}`
    const last4 = row.pan_last4
    const card = typeof last4 === 'string' && /^\d{4}$/.test(last4) ? `**** ${last4}` : ''
    return (
      `${time}${d}${cell(row.customer_number)}${d}${cell(row.tid)}${d}${type(row.type)}${d}` +
      `${status(row.status)}${d}${amount}${d}${cell(row.currency)}${d}${brand(row.card_brand)}${d}` +
      `${card}${d}${csvText(row.receipt_number ?? '', d)}${d}${csvText(row.auth_code ?? '', d)}${d}` +
      `${csvText(row.reference, d)}\n`
    )
  }
}
