import type { HttpContext } from '@adonisjs/core/http'
import { urlFor } from '@adonisjs/core/services/url_builder'
import { PayoutService } from '#services/merchant/payout_service'
import { plainQuery } from '#services/merchant/plain_query'
import { expectedCredits } from '#services/money/money_overview'
import { idParamsValidator, payoutListValidator } from '#validators/merchant'

/** „Auszahlungen“: expected credits, the payouts, one payout (owner and accountant). */
export default class PayoutsController {
  async index({ view, request, bouncer, customerScope: linked }: HttpContext) {
    const scope = await linked.authorize(bouncer, 'viewPayouts')
    const query = await request.validateUsing(payoutListValidator, { data: plainQuery(request) })
    const [expected, list] = await Promise.all([
      expectedCredits(scope.ids),
      PayoutService.list(scope.ids, query),
    ])
    const kept = { customer: query.customer }
    return view.render('pages/merchant/payouts/index', {
      expected,
      ...list,
      canExport: scope.allows('export'),
      nextUrl: list.next
        ? urlFor('payouts.index', {}, { qs: { ...kept, after: list.next } })
        : null,
      prevUrl: list.prev
        ? urlFor('payouts.index', {}, { qs: { ...kept, before: list.prev } })
        : null,
    })
  }

  /** One payout of the scope (else the shared 404) with fees and covered closings. */
  async show({ view, request, params, bouncer, customerScope: linked }: HttpContext) {
    const scope = await linked.authorize(bouncer, 'viewPayouts')
    const { id } = await request.validateUsing(idParamsValidator, { data: params })
    const detail = await PayoutService.find(scope, id)
    return view.render('pages/merchant/payouts/show', detail)
  }
}
