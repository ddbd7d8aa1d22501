import type { HttpContext } from '@adonisjs/core/http'
import { customerProofValidator } from '#validators/auth'
import { budgets, tooManyMessage } from '#services/security/rate_limits'
import { errors } from '@adonisjs/limiter'
import { AccountService } from '#services/account/account_service'
import { withTimingFloor } from '#services/account/even_timing'
import { validateOr } from '#services/account/form_feedback'

const LINK_FLOOR_MS = 300

/** „Kundennummer hinzufügen“, proven by one of the customer's Terminal-IDs. */
export default class AccountCustomersController {
  async store(ctx: HttpContext) {
    const { auth, response, session, i18n } = ctx
    const data = await validateOr(ctx, customerProofValidator, '/account#customers')
    if (!data) return
    const user = auth.use('web').user!
    const budget = await budgets.linkCustomerPerUser().increment(`link:${user.id}`)
    if (budget.consumed > budget.limit) {
      const error = new errors.E_TOO_MANY_REQUESTS(budget)
      tooManyMessage(ctx)(error)
      throw error
    }
    const result = await withTimingFloor(LINK_FLOOR_MS, () =>
      AccountService.linkCustomer(user, data.customer_number, data.terminal_id)
    )
    if (result === 'not_proven') {
      session.flashExcept(['_csrf'])
      session.flash('error', i18n.t('account.customers.not_proven'))
    } else {
      session.flash('success', i18n.t(`account.customers.${result}`))
    }
    return response.redirect('/account#customers')
  }
}
