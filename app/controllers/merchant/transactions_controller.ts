import type { HttpContext } from '@adonisjs/core/http'
import { urlFor } from '@adonisjs/core/services/url_builder'
import { CARD_BRANDS, TRANSACTION_STATUSES, TRANSACTION_TYPES } from '#models/transaction'
import {
  idParamsValidator,
  liveRowsValidator,
  readFilter,
  transactionFilterValidator,
} from '#validators/merchant'
import { plainQuery } from '#services/merchant/plain_query'
import { buildFilter, berlinToday, filterQuery } from '#services/merchant/transaction_filter'
import { TransactionListService } from '#services/merchant/transaction_list_service'
import { TerminalService } from '#services/merchant/terminal_service'
import { transactionsChannel } from '#services/ingest/live_feed'

export default class TransactionsController {
  /**
   * The filtered list, newest first, one keyset page; live on the first page.
   * The list is its filter form's page: a refused filter is shown here (422),
   * with the bad fields marked.
   */
  async index(ctx: HttpContext) {
    const { view, request, response, customerScope } = ctx
    const terminals = await TerminalService.list(customerScope)
    const options = {
      terminals,
      brands: CARD_BRANDS,
      types: TRANSACTION_TYPES,
      statuses: TRANSACTION_STATUSES,
    }
    const read = await readFilter(transactionFilterValidator, plainQuery(request))
    const filter = read.ok ? buildFilter(read.input) : null
    if (!read.ok || !filter) {
      response.status(422)
      const fields = read.ok ? ['from', 'to', 'amount_min', 'amount_max'] : read.fields
      return view.render('pages/merchant/transactions/index', {
        ...options,
        invalid: fields,
        form: plainQuery(request),
        rows: [],
      })
    }
    const scoped = await TransactionListService.scopeFilter(customerScope, filter)
    const page = await TransactionListService.list(customerScope, scoped, {
      after: read.input.after,
      before: read.input.before,
    })
    const qs = filterQuery(scoped, customerScope.param)
    const live = page.isFirstPage && scoped.toDate >= berlinToday()
    return view.render('pages/merchant/transactions/index', {
      ...options,
      ...page,
      form: { ...qs, terminal: scoped.terminal ?? '' },
      nextUrl: page.next
        ? urlFor('transactions.index', undefined, { qs: { ...qs, after: page.next } })
        : null,
      prevUrl: page.prev
        ? urlFor('transactions.index', undefined, { qs: { ...qs, before: page.prev } })
        : null,
      exportUrl: urlFor('transactions.export', undefined, { qs }),
      live: live
        ? {
            channels: customerScope.ids.map((id) => transactionsChannel(id)),
            url: urlFor('transactions.live', undefined, { qs }),
            since: page.sinceId,
          }
        : null,
    })
  }

  /** New matching rows since a transaction id, as table rows (the live feed's fetch). */
  async live({ view, request, response, customerScope }: HttpContext) {
    const read = await readFilter(liveRowsValidator, plainQuery(request))
    const filter = read.ok ? buildFilter(read.input) : null
    if (!read.ok || !filter) return response.badRequest()
    const scoped = await TransactionListService.scopeFilter(customerScope, filter)
    const rows = await TransactionListService.newRows(customerScope, scoped, read.input.since)
    if (!rows.length) return response.noContent()
    return view.render('pages/merchant/transactions/_rows', { rows, isNew: true })
  }

  /** One transaction; another customer's id gives the same 404 as a missing one. */
  async show({ view, request, params, customerScope }: HttpContext) {
    const { id } = await request.validateUsing(idParamsValidator, { data: params })
    const transaction = await TransactionListService.find(customerScope, id)
    return view.render('pages/merchant/transactions/show', { transaction })
  }
}
