import type { HttpContext } from '@adonisjs/core/http'
import { urlFor } from '@adonisjs/core/services/url_builder'
import { passwordChangeValidator } from '#validators/account'
import { AccountService } from '#services/account/account_service'
import { flashFieldError, passwordProblemMessage } from '#helpers/form_feedback'

/** „Passwort ändern“ on the account page: current + new; other sessions end. */
export default class AccountPasswordController {
  async update(ctx: HttpContext) {
    const { auth, request, response, session, i18n } = ctx
    const data = await request.validateUsing(passwordChangeValidator)
    const result = await AccountService.changePassword(
      auth.use('web').user!,
      data.current_password,
      data.password,
      session,
      { ip: request.ip(), i18n }
    )
    if (result === 'wrong_current') {
      flashFieldError(ctx, 'current_password', i18n.t('account.password.wrong_current'))
    } else if (result !== 'done') {
      flashFieldError(ctx, 'password', passwordProblemMessage(ctx, result))
    } else {
      session.flash('success', i18n.t('account.password.changed'))
    }
    return response.redirect(urlFor('account.show') + '#password')
  }
}
