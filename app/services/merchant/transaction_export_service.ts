import { Readable } from 'node:stream'
import type { CustomerScope } from '#services/merchant/customer_scope'
import type { TransactionFilter } from '#services/merchant/transaction_filter'
import { berlinSeconds } from '#services/merchant/row_format'
import { csvLine, csvNumber, csvText } from '#services/export/csv_cells'
import {
  TransactionQuery,
  decodeCursor,
  encodeCursor,
  toUtc,
} from '#services/merchant/transaction_query'

export const EXPORT_MAX_MONTHS = 13
const BATCH = 2000

type Translate = (key: string) => string

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
    /* a handful of distinct labels, a million rows: translate each label once */
    const labels = new Map<string, string>()
    const t = (key: string) => {
      let label = labels.get(key)
      if (label === undefined) labels.set(key, (label = translate(key)))
      return label
    }
    const ids = scope.ids
    const header = [
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
    ].map((key) => t(`transactions.csv.${key}`))

    const delimiter = german ? ';' : ','
    const text = (value: string) => csvText(value, delimiter)
    const toLine = (fields: string[]) =>
      csvLine(
        fields.map((field, index) =>
          index === AMOUNT_COLUMN ? csvNumber(field, delimiter) : text(field)
        ),
        delimiter
      )

    /* one string per keyset batch: few objects, backpressure per chunk, memory flat */
    async function* chunks() {
      yield '\uFEFF' + csvLine(header.map(text), delimiter)
      let after: string | undefined
      while (true) {
        const raw = await TransactionQuery.page(ids, filter, { after: decodeCursor(after) }, BATCH)
        let chunk = ''
        for (const item of raw) chunk += toLine(line(item, german, t))
        if (chunk) yield chunk
        if (raw.length < BATCH) return
        after = encodeCursor(raw[raw.length - 1])
      }
    }

    return Readable.from(chunks(), { objectMode: false })
  },

  filename(filter: TransactionFilter) {
    return `transaktionen_${filter.fromDate}_${filter.toDate}.csv`
  },
}

/** The one numeric column of `line`; every other cell is text. */
const AMOUNT_COLUMN = 5

/* straight from the driver's row: no per-row model or luxon object for a million rows */
function line(row: Record<string, any>, german: boolean, t: Translate) {
  const amount = (Number(row.amount_minor) / 100).toFixed(2)
  const at =
    row.occurred_at instanceof Date ? row.occurred_at.getTime() : toUtc(row.occurred_at).toMillis()
  const last4 = row.pan_last4 && /^\d{4}$/.test(row.pan_last4) ? row.pan_last4 : null
  return [
    berlinSeconds(at, german),
    row.customer_number,
    row.tid,
    t(`transactions.types.${row.type}`),
    t(`transactions.statuses.${row.status}`),
    german ? amount.replace('.', ',') : amount,
    row.currency,
    t(`transactions.brands.${row.card_brand}`),
    last4 ? `**** ${last4}` : '',
    row.receipt_number ?? '',
    row.auth_code ?? '',
    row.reference,
  ]
}
