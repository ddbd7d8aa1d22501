import i18nManager from '@adonisjs/i18n/services/main'
import { CustomerScope, type ScopeCustomer } from '#services/merchant/customer_scope'
import { buildFilter } from '#services/merchant/transaction_filter'
import { TransactionExportService } from '#services/merchant/transaction_export_service'
import type { ReportPeriod } from '#services/reports/report_periods'

/** Above this size the CSV is not attached: the mail points to the portal's export instead. */
export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024

export type ReportCsv = { filename: string; content: Buffer } | { filename: string; tooLarge: true }

/**
 * The period's transactions CSV, made by the portal's own export
 * (`TransactionExportService`) for the one customer, in the user's language:
 * byte for byte what `GET /transactions.csv?from=…&to=…&customer=…` gives that
 * user (tests/functional/reports/reports.spec.ts proves it).
 */
export async function reportCsv(
  customer: ScopeCustomer,
  period: ReportPeriod,
  locale: string
): Promise<ReportCsv> {
  const filter = buildFilter({ from: period.from, to: period.to })!
  const scope = new CustomerScope([customer], customer.customerNumber)
  const i18n = i18nManager.locale(
    i18nManager.supportedLocales().includes(locale) ? locale : i18nManager.defaultLocale
  )
  const filename = TransactionExportService.filename(filter, i18n.locale)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of TransactionExportService.stream(scope, filter, i18n.locale, (key) =>
    i18n.t(key)
  )) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk), 'utf8')
    size += bytes.length
    if (size > ATTACHMENT_MAX_BYTES) return { filename, tooLarge: true }
    chunks.push(bytes)
  }
  return { filename, content: Buffer.concat(chunks) }
}
