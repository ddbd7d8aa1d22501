import type { HttpContext } from '@adonisjs/core/http'
import { emailChangeValidator } from '#validators/auth_account'
import { AccountService } from '#services/account/account_service'
import { flashFieldError, validateOr } from '#services/account/form_feedback'
import { withTimingFloor } from '#services/account/even_timing'

/** The answer takes at least this long, whether the new address is free or taken. */
const EMAIL_CHANGE_FLOOR_MS = 500

/** „E-Mail-Adresse ändern“: takes effect when the new address confirms; the old one is told. */
export default class AccountEmailController {
  async store(ctx: HttpContext) {
    const { auth, response, session, i18n } = ctx
    const data = await validateOr(ctx, emailChangeValidator, '/account#email')
    if (!data) return
    const user = auth.use('web').user!
    const result = await withTimingFloor(EMAIL_CHANGE_FLOOR_MS, () =>
      AccountService.requestEmailChange(user, data.email, data.current_password_email, ctx)
    )
    if (result === 'sent') session.flash('success', i18n.t('account.email.sent'))
    else if (result === 'wrong_current')
      flashFieldError(ctx, 'current_password_email', i18n.t('account.password.wrong_current'))
    else if (result === 'same') flashFieldError(ctx, 'email', i18n.t('account.email.same'))
    else session.flash('error', i18n.t('account.throttled'))
    return response.redirect('/account#email')
  }

  async confirm(ctx: HttpContext) {
    ctx.response.header('Referrer-Policy', 'no-referrer')
    ctx.response.header('Cache-Control', 'no-store')
    const user = await AccountService.confirmEmailChange(ctx.params.token)
    if (!user) ctx.response.status(410)
    return ctx.view.render('pages/account/email_confirmed', {
      changed: !!user,
      newEmail: user?.email,
    })
  }
}
