import type { HttpContext } from '@adonisjs/core/http'
import { readFilter, transactionFilterValidator } from '#validators/merchant'
import { filterQueryInput } from '#services/merchant/plain_query'
import {
  buildFilter,
  filterQuery,
  spansMoreThanMonths,
} from '#services/merchant/transaction_filter'
import { TransactionListService } from '#services/merchant/transaction_list_service'
import {
  EXPORT_MAX_MONTHS,
  TransactionExportService,
} from '#services/merchant/transaction_export_service'

export default class TransactionExportsController {
  /** CSV of the current filter, streamed; at most 13 months per file. */
  async download({
    request,
    response,
    i18n,
    session,
    bouncer,
    customerScope: linked,
  }: HttpContext) {
    const customerScope = await linked.authorize(bouncer, 'export')
    const read = await readFilter(transactionFilterValidator, filterQueryInput(request))
    const filter = read.ok ? buildFilter(read.input) : null
    if (!filter) {
      session.flash('error', i18n.t('transactions.invalid_filter'))
      return response.redirect().toRoute('transactions.index')
    }
    const scoped = await TransactionListService.scopeFilter(customerScope, filter)
    if (spansMoreThanMonths(scoped, EXPORT_MAX_MONTHS)) {
      session.flash('error', i18n.t('transactions.export_too_long', { months: EXPORT_MAX_MONTHS }))
      return response
        .redirect()
        .toRoute('transactions.index', undefined, { qs: filterQuery(scoped, customerScope.param) })
    }
    response.header('Content-Type', 'text/csv; charset=utf-8')
    response.header(
      'Content-Disposition',
      `attachment; filename="${TransactionExportService.filename(scoped, i18n.locale)}"`
    )
    const t = (key: string) => i18n.t(key)
    return response.stream(TransactionExportService.stream(customerScope, scoped, i18n.locale, t))
  }
}
