import type { HttpContext } from '@adonisjs/core/http'
import { urlFor } from '@adonisjs/core/services/url_builder'
import {
  CustomerScope,
  OutOfScope,
  SCOPE_SESSION_KEY,
  normalizeChoice,
} from '#services/merchant/customer_scope'
import { safeRedirectTarget } from '#services/account/redirect_target'
import { customerSwitchValidator } from '#validators/merchant'

export default class CustomerSwitchController {
  /** The header switch: one linked customer number or "all", kept in the session. */
  async update({ request, response, session, customerScope }: HttpContext) {
    const input = await request.validateUsing(customerSwitchValidator)
    const choice = normalizeChoice(input.customer)
    if (!CustomerScope.isValidChoice(customerScope.linked, choice)) throw new OutOfScope()
    session.put(SCOPE_SESSION_KEY, choice)
    return response.redirect(
      withoutCustomerParam(safeRedirectTarget(input.back, urlFor('dashboard')))
    )
  }
}

/* the switch wins over a `?customer=` pinned in the page we came from; cursors no longer apply */
function withoutCustomerParam(target: string) {
  const url = new URL(target, 'http://portal.invalid')
  for (const key of ['customer', 'after', 'before']) url.searchParams.delete(key)
  return url.pathname + url.search
}
