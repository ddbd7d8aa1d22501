import type { HttpContext } from '@adonisjs/core/http'
import { urlFor } from '@adonisjs/core/services/url_builder'
import { CARD_BRANDS, TRANSACTION_STATUSES, TRANSACTION_TYPES } from '#models/transaction'
import {
  idParamsValidator,
  liveRowsValidator,
  readFilter,
  transactionFilterValidator,
} from '#validators/merchant'
import { filterQueryInput } from '#services/merchant/plain_query'
import {
  DATE_PRESETS,
  buildFilter,
  berlinToday,
  filterForm,
  filterQuery,
} from '#services/merchant/transaction_filter'
import { isIsoDate } from '#services/format/dates'
import { TransactionListService } from '#services/merchant/transaction_list_service'
import { transactionsChannel } from '#services/ingest/live_feed'
import { ClosingService } from '#services/merchant/closing_service'

export default class TransactionsController {
  /**
   * The filtered list, newest first, one keyset page; live on the first page.
   * The list is its filter form's page: a refused filter is shown here (422),
   * with the bad fields marked and their messages. Dates typed in the form
   * (TT.MM.JJJJ) come back once as a redirect, so the URL carries ISO dates.
   */
  async index(ctx: HttpContext) {
    const { view, request, response, i18n } = ctx
    const customerScope = await ctx.customerScope.authorize(ctx.bouncer, 'viewTransactions')
    const terminals = await TransactionListService.terminalChoices(customerScope)
    const options = {
      terminals,
      presets: DATE_PRESETS,
      brands: CARD_BRANDS,
      types: TRANSACTION_TYPES,
      statuses: TRANSACTION_STATUSES,
    }
    const query = filterQueryInput(request)
    const read = await readFilter(transactionFilterValidator, query)
    const filter = read.ok ? buildFilter(read.input) : null
    if (!read.ok || !filter) {
      response.status(422)
      const fields = read.ok ? ['from', 'to', 'amount_min', 'amount_max'] : read.fields
      return view.render('pages/merchant/transactions/index', {
        ...options,
        invalid: fields,
        messages: read.ok ? {} : read.messages,
        form: filterForm(query, i18n.locale),
        rows: [],
      })
    }
    const scoped = await TransactionListService.scopeFilter(customerScope, filter)
    const qs = filterQuery(scoped, customerScope.param)
    if (typedDates(query))
      return response.redirect().toRoute('transactions.index', undefined, { qs })
    const cursors = { after: read.input.after, before: read.input.before }
    const page = await TransactionListService.list(customerScope, scoped, cursors)
    const live = page.isFirstPage && scoped.toDate >= berlinToday()
    return view.render('pages/merchant/transactions/index', {
      ...options,
      ...page,
      form: filterForm(qs, i18n.locale),
      /* a row's detail link carries the filter and this page, for the way back */
      listQs: { ...qs, ...(page.isFirstPage ? {} : cursors) },
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
            url: urlFor('transactions.live', undefined, { qs: { ...qs, keep: 1 } }),
            since: page.sinceId,
          }
        : null,
    })
  }

  /** New matching rows since a transaction id, as table rows (the live feed's fetch). */
  async live({ view, request, response, bouncer, customerScope: linked }: HttpContext) {
    const customerScope = await linked.authorize(bouncer, 'viewTransactions')
    const read = await readFilter(liveRowsValidator, filterQueryInput(request))
    const filter = read.ok ? buildFilter(read.input) : null
    if (!read.ok || !filter) return response.badRequest()
    const scoped = await TransactionListService.scopeFilter(customerScope, filter)
    const rows = await TransactionListService.newRows(customerScope, scoped, read.input.since)
    if (!rows.length) return response.noContent()
    const listQs = read.input.keep ? filterQuery(scoped, customerScope.param) : undefined
    return view.render('pages/merchant/transactions/_rows', { rows, isNew: true, listQs })
  }

  /**
   * One transaction; another customer's id gives the same 404 as a missing one.
   * The list's filter and page ride along in the query string, so „Zurück zur
   * Liste“ returns to them; a malformed one just leads back to the plain list.
   */
  async show({ view, request, params, bouncer, customerScope: linked }: HttpContext) {
    const customerScope = await linked.authorize(bouncer, 'viewTransactions')
    const { id } = await request.validateUsing(idParamsValidator, { data: params })
    const transaction = await TransactionListService.find(customerScope, id)
    /* its Kassenschnitt, and the payouts covering it for roles that may see payouts */
    const closing = await ClosingService.ofTransaction(
      customerScope,
      id,
      customerScope.idsAllowing('viewPayouts')
    )
    const read = await readFilter(transactionFilterValidator, filterQueryInput(request))
    const filter = read.ok ? buildFilter(read.input) : null
    const back =
      read.ok && filter
        ? {
            ...filterQuery(filter, customerScope.param),
            after: read.input.after,
            before: read.input.before,
          }
        : undefined
    return view.render('pages/merchant/transactions/show', {
      transaction,
      closing,
      backUrl: urlFor('transactions.index', undefined, back ? { qs: back } : {}),
    })
  }
}

/** Whether a date came as typed in the form (TT.MM.JJJJ) rather than as ISO. */
function typedDates(query: Record<string, string | string[]>) {
  return ['from', 'to'].some((key) => {
    const value = query[key]
    return typeof value === 'string' && value.trim() !== '' && !isIsoDate(value)
  })
}
