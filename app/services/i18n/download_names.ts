import i18nManager from '@adonisjs/i18n/services/main'

/*
| The names of downloaded files, in the reader's language (resources/lang/{de,en}/downloads.json):
| „Rechnung_2026-000123.pdf“ for German readers, „Invoice_2026-000123.pdf“ for English ones.
| Only letters, digits, `.`, `_` and `-` go in: the name goes into a Content-Disposition header
| and a ZIP or mail attachment as it is.
*/
export type DownloadName =
  | 'invoice_pdf'
  | 'invoice_xml'
  | 'invoices_year_zip'
  | 'invoices_range_zip'
  | 'transactions_csv'
  | 'payouts_csv'
  | 'my_data_zip'

export function downloadName(
  locale: string | undefined,
  name: DownloadName,
  values: Record<string, string> = {}
) {
  const text = i18nManager.locale(locale || 'de').t(`downloads.${name}`, values)
  return text.replace(/[^A-Za-z0-9._-]+/g, '_')
}
