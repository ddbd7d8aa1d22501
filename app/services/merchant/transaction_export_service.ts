import { Readable } from 'node:stream'
import { stringify } from 'csv-stringify'
import type { CustomerScope } from '#services/merchant/customer_scope'
import { ZONE, type TransactionFilter } from '#services/merchant/transaction_filter'
import { TransactionQuery, decodeCursor, encodeCursor } from '#services/merchant/transaction_query'
import { toRow, type TransactionRow } from '#services/merchant/transaction_list_service'

export const EXPORT_MAX_MONTHS = 13
const BATCH = 2000

type Translate = (key: string) => string

/**
 * The CSV export of a filter: the list's own keyset query walked in batches,
 * so memory stays flat at any size and the rows equal the list's rows.
 * German: `;` and decimal comma (Excel in Germany); English: `,` and dot.
 * UTF-8 with BOM; the card only as brand + last 4.
 */
export const TransactionExportService = {
  stream(scope: CustomerScope, filter: TransactionFilter, locale: string, t: Translate) {
    const german = locale !== 'en'
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

    async function* records() {
      let after: string | undefined
      while (true) {
        const raw = await TransactionQuery.page(ids, filter, { after: decodeCursor(after) }, BATCH)
        for (const item of raw) yield line(toRow(item), german, t)
        if (raw.length < BATCH) return
        after = encodeCursor(raw[raw.length - 1])
      }
    }

    const csv = stringify({
      delimiter: german ? ';' : ',',
      bom: true,
      header: true,
      columns: header,
    })
    return Readable.from(records()).pipe(csv)
  },

  filename(filter: TransactionFilter) {
    return `transaktionen_${filter.fromDate}_${filter.toDate}.csv`
  },
}

function line(row: TransactionRow, german: boolean, t: Translate) {
  const amount = (row.amountMinor / 100).toFixed(2)
  return [
    row.occurredAt.setZone(ZONE).toFormat(german ? 'dd.MM.yyyy HH:mm:ss' : 'yyyy-MM-dd HH:mm:ss'),
    row.customerNumber,
    row.tid,
    t(`transactions.types.${row.type}`),
    t(`transactions.statuses.${row.status}`),
    german ? amount.replace('.', ',') : amount,
    row.currency,
    t(`transactions.brands.${row.cardBrand}`),
    row.last4 ? `**** ${row.last4}` : '',
    row.receiptNumber ?? '',
    row.authCode ?? '',
    row.reference,
  ]
}
