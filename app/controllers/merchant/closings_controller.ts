import type { HttpContext } from '@adonisjs/core/http'
import { urlFor } from '@adonisjs/core/services/url_builder'
import { ClosingService } from '#services/merchant/closing_service'
import { TransactionListService } from '#services/merchant/transaction_list_service'
import { plainQuery } from '#services/merchant/plain_query'
import { openAmounts } from '#services/money/money_overview'
import {
  closingDetailValidator,
  closingListValidator,
  idParamsValidator,
} from '#validators/merchant'

/** „Kassenschnitte“: open amounts per terminal, the closings, one closing. */
export default class ClosingsController {
  async index({ view, request, bouncer, customerScope: linked }: HttpContext) {
    const scope = await linked.authorize(bouncer, 'viewClosings')
    const query = await request.validateUsing(closingListValidator, {
      data: withoutEmpty(plainQuery(request)),
    })
    const [open, list, terminals] = await Promise.all([
      openAmounts(scope.ids),
      ClosingService.list(scope, query),
      TransactionListService.terminalChoices(scope),
    ])
    const kept = { customer: query.customer, terminal: query.terminal }
    return view.render('pages/merchant/closings/index', {
      open,
      ...list,
      terminals,
      query,
      nextUrl: list.next
        ? urlFor('closings.index', {}, { qs: { ...kept, after: list.next } })
        : null,
      prevUrl: list.prev
        ? urlFor('closings.index', {}, { qs: { ...kept, before: list.prev } })
        : null,
    })
  }

  /** One closing of the scope (else the shared 404): brands, credits, payouts, transactions. */
  async show({ view, request, params, bouncer, customerScope: linked }: HttpContext) {
    const scope = await linked.authorize(bouncer, 'viewClosings')
    const { id } = await request.validateUsing(idParamsValidator, { data: params })
    const query = await request.validateUsing(closingDetailValidator, {
      data: withoutEmpty(plainQuery(request)),
    })
    const closing = await ClosingService.find(scope, id)
    const showPayouts = scope.idsAllowing('viewPayouts').includes(closing.customerId)
    const [transactions, payouts] = await Promise.all([
      ClosingService.transactions(closing, query.page ?? 1),
      showPayouts ? ClosingService.payoutsOf([closing.id]) : [],
    ])
    return view.render('pages/merchant/closings/show', {
      closing,
      transactions,
      payouts,
      showPayouts,
    })
  }
}

/* the filter form sends its empty fields; they mean "not set" */
function withoutEmpty(query: Record<string, string>) {
  return Object.fromEntries(Object.entries(query).filter(([, value]) => value.trim() !== ''))
}
