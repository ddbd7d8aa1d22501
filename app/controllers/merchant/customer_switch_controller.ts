import type { HttpContext } from '@adonisjs/core/http'
import { urlFor } from '@adonisjs/core/services/url_builder'
import {
  ALL,
  CustomerScope,
  OutOfScope,
  SCOPE_SESSION_KEY,
  normalizeChoice,
} from '#services/merchant/customer_scope'
import { safeRedirectTarget } from '#services/account/redirect_target'
import { customerSwitchValidator } from '#validators/merchant'

export default class CustomerSwitchController {
  /**
   * The header switch: one linked customer number or "all", kept in the session.
   * A value from the select that is not linked is the shared 404; a typed search
   * that matches no linked customer (unknown or someone else's) goes back with a message.
   */
  async update({ request, response, session, customerScope, i18n }: HttpContext) {
    const input = await request.validateUsing(customerSwitchValidator)
    const back = withoutCustomerParam(safeRedirectTarget(input.back, urlFor('dashboard')))
    /* the type-ahead form sends only `customer_search` (empty when nothing was typed) */
    const typed = input.customer === undefined ? (input.customer_search ?? '') : undefined
    const choice =
      typed !== undefined
        ? CustomerScope.matchTyped(customerScope.linked, typed, [
            ALL,
            i18n.t('merchant.switch_all_word'),
            i18n.t('merchant.switch_all'),
          ])
        : normalizeChoice(input.customer)
    if (choice === null) {
      session.flash('error', i18n.t('merchant.switch_no_match', { value: typed }))
      return response.redirect(back)
    }
    if (!CustomerScope.isValidChoice(customerScope.linked, choice)) throw new OutOfScope()
    session.put(SCOPE_SESSION_KEY, choice)
    return response.redirect(back)
  }
}

/* the switch wins over a `?customer=` pinned in the page we came from; cursors and pages no longer apply */
function withoutCustomerParam(target: string) {
  const url = new URL(target, 'http://portal.invalid')
  for (const key of ['customer', 'after', 'before', 'page']) url.searchParams.delete(key)
  return url.pathname + url.search
}
