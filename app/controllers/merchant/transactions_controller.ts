import type { HttpContext } from '@adonisjs/core/http'
import { CARD_BRANDS, TRANSACTION_STATUSES, TRANSACTION_TYPES } from '#models/transaction'
import { plainQuery, readFilterInput } from '#validators/transaction_filter'
import { buildFilter, berlinToday, filterParams } from '#services/merchant/transaction_filter'
import { TransactionListService } from '#services/merchant/transaction_list_service'
import { TerminalService } from '#services/merchant/terminal_service'
import { transactionsChannel } from '#services/ingest/live_feed'

export default class TransactionsController {
  /** The filtered list, newest first, one keyset page; live on the first page. */
  async index(ctx: HttpContext) {
    const { view, request, response, customerScope } = ctx
    const terminals = await TerminalService.list(customerScope)
    const options = {
      terminals,
      brands: CARD_BRANDS,
      types: TRANSACTION_TYPES,
      statuses: TRANSACTION_STATUSES,
    }
    const read = await readFilterInput(plainQuery(request))
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
    const params = filterParams(scoped, customerScope.param)
    const link = (extra: Record<string, string>) => {
      const copy = new URLSearchParams(params)
      for (const [k, v] of Object.entries(extra)) copy.set(k, v)
      return `/transactions?${copy}`
    }
    const live = page.isFirstPage && scoped.toDate >= berlinToday()
    return view.render('pages/merchant/transactions/index', {
      ...options,
      ...page,
      form: { ...Object.fromEntries(params), terminal: scoped.terminal ?? '' },
      nextUrl: page.next ? link({ after: page.next }) : null,
      prevUrl: page.prev ? link({ before: page.prev }) : null,
      exportUrl: `/transactions.csv?${params}`,
      live: live
        ? {
            channels: customerScope.ids.map((id) => transactionsChannel(id)),
            url: `/transactions/live?${params}`,
            since: page.sinceId,
          }
        : null,
    })
  }

  /** New matching rows since a transaction id, as table rows (the live feed's fetch). */
  async live({ view, request, response, customerScope }: HttpContext) {
    const read = await readFilterInput(plainQuery(request))
    const filter = read.ok ? buildFilter(read.input) : null
    const since = Number(plainQuery(request).since)
    if (!filter || !Number.isSafeInteger(since) || since < 0) return response.badRequest()
    const scoped = await TransactionListService.scopeFilter(customerScope, filter)
    const rows = await TransactionListService.newRows(customerScope, scoped, since)
    if (!rows.length) return response.noContent()
    return view.render('pages/merchant/transactions/_rows', { rows, isNew: true })
  }

  /** One transaction; another customer's id gives the same 404 as a missing one. */
  async show({ view, params, customerScope }: HttpContext) {
    const transaction = await TransactionListService.find(customerScope, Number(params.id))
    return view.render('pages/merchant/transactions/show', { transaction })
  }
}
