import type { HttpContext } from '@adonisjs/core/http'
import { urlFor } from '@adonisjs/core/services/url_builder'
import { customerProofValidator } from '#validators/account'
import { AccountService } from '#services/account/account_service'

/** „Kundennummer hinzufügen“, proven by one of the customer's Terminal-IDs. */
export default class AccountCustomersController {
  async store({ auth, request, response, session, i18n }: HttpContext) {
    const data = await request.validateUsing(customerProofValidator)
    const result = await AccountService.linkCustomer(
      auth.use('web').user!,
      data.customer_number,
      data.terminal_id,
      { ip: request.ip(), i18n }
    )
    if (result === 'not_proven') {
      session.flashExcept(['_csrf'])
      session.flash('error', i18n.t('account.customers.not_proven'))
    } else {
      session.flash('success', i18n.t(`account.customers.${result}`))
    }
    return response.redirect(urlFor('account.show') + '#customers')
  }
}
