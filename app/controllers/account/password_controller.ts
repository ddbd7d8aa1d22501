import type { HttpContext } from '@adonisjs/core/http'
import { passwordChangeValidator } from '#validators/auth_account'
import { AccountService } from '#services/account/account_service'
import {
  flashFieldError,
  passwordProblemMessage,
  validateOr,
} from '#services/account/form_feedback'

/** „Passwort ändern“ on the account page: current + new; other sessions end. */
export default class AccountPasswordController {
  async update(ctx: HttpContext) {
    const { auth, response, session, i18n } = ctx
    const data = await validateOr(ctx, passwordChangeValidator, '/account#password')
    if (!data) return
    const result = await AccountService.changePassword(
      auth.use('web').user!,
      data.current_password,
      data.password,
      session.sessionId,
      ctx
    )
    if (result === 'wrong_current') {
      flashFieldError(ctx, 'current_password', i18n.t('account.password.wrong_current'))
    } else if (result !== 'done') {
      flashFieldError(ctx, 'password', passwordProblemMessage(ctx, result))
    } else {
      session.flash('success', i18n.t('account.password.changed'))
    }
    return response.redirect('/account#password')
  }
}
