import { Readable } from 'node:stream'
import { downloadName } from '#services/i18n/download_names'
import { csvLine, csvNumber, csvText } from '#services/export/csv_cells'
import { PayoutService, type PayoutRow } from '#services/merchant/payout_service'

type Translate = (key: string) => string

/** The columns of the payout CSV; the amounts are numbers, every other cell text. */
const COLUMNS = [
  'value_date',
  'reference',
  'status',
  'gross',
  'fees',
  'net',
  'iban_last4',
  'difference',
  'closings',
] as const
const NUMERIC = new Set<number>([3, 4, 5, 7, 8])

/**
 * „Auszahlungen“ as CSV, with the transaction export's conventions
 * (transaction_export_service.ts): German `;` and decimal comma, English `,` and
 * dot, UTF-8 with BOM, every text cell neutralised against formulas (a payout
 * reference comes from outside and may start with `=`).
 */
export const PayoutExportService = {
  stream(customerIds: number[], locale: string, t: Translate) {
    const german = locale !== 'en'
    const delimiter = german ? ';' : ','
    const amount = (minor: number) => {
      const text = (minor / 100).toFixed(2)
      return german ? text.replace('.', ',') : text
    }
    const line = (payout: PayoutRow) => [
      german ? payout.valueDate.toFormat('dd.MM.yyyy') : payout.valueDay,
      payout.reference,
      t(`merchant.payouts.statuses.${payout.status}`),
      amount(payout.grossMinor),
      amount(payout.feesMinor),
      amount(payout.netMinor),
      payout.ibanLast4 ?? '',
      amount(payout.hasDifference ? payout.differenceMinor : 0),
      String(payout.closingCount),
    ]
    const toLine = (fields: string[]) =>
      csvLine(
        fields.map((field, index) =>
          NUMERIC.has(index) ? csvNumber(field, delimiter) : csvText(field, delimiter)
        ),
        delimiter
      )
    async function* chunks() {
      const header = COLUMNS.map((key) => csvText(t(`merchant.payouts.csv.${key}`), delimiter))
      yield '\uFEFF' + csvLine(header, delimiter)
      for await (const batch of PayoutService.batches(customerIds)) {
        yield batch.map((payout) => toLine(line(payout))).join('')
      }
    }
    return Readable.from(chunks(), { objectMode: false })
  },

  filename(locale: string) {
    return downloadName(locale, 'payouts_csv')
  },
}
