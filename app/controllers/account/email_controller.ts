import type { HttpContext } from '@adonisjs/core/http'
import { urlFor } from '@adonisjs/core/services/url_builder'
import { emailChangeValidator } from '#validators/account'
import { AccountService } from '#services/account/account_service'
import { OneTimeTokenService } from '#services/account/one_time_token_service'
import { flashFieldError } from '#helpers/form_feedback'
import { confirmLinkPage } from '#helpers/confirm_link_page'

/** „E-Mail-Adresse ändern“: takes effect when the new address confirms; the old one is told. */
export default class AccountEmailController {
  async store(ctx: HttpContext) {
    const { auth, request, response, session, i18n } = ctx
    const data = await request.validateUsing(emailChangeValidator)
    const result = await AccountService.requestEmailChange(
      auth.use('web').user!,
      data.email,
      data.current_password_email,
      { ip: request.ip(), i18n }
    )
    if (result === 'sent') session.flash('success', i18n.t('account.email.sent'))
    else if (result === 'wrong_current')
      flashFieldError(ctx, 'current_password_email', i18n.t('account.password.wrong_current'))
    else if (result === 'same') flashFieldError(ctx, 'email', i18n.t('account.email.same'))
    else session.flash('error', i18n.t('account.throttled'))
    return response.redirect(urlFor('account.show') + '#email')
  }

  /** The mailed link only asks (mail scanners open links); the button changes the address. */
  async confirmPage(ctx: HttpContext) {
    const token = ctx.params.token
    return confirmLinkPage(ctx, {
      valid: !!(await OneTimeTokenService.find(token, 'email_change')),
      keys: {
        title: 'account.email.confirm_title',
        text: 'account.email.confirm_text',
        button: 'account.email.confirm_button',
      },
      action: urlFor('account.email.confirm.store', { token }),
      invalid: { view: 'pages/account/email_confirmed', data: { changed: false } },
    })
  }

  async confirm({ params, response, view }: HttpContext) {
    response.header('Referrer-Policy', 'no-referrer')
    response.header('Cache-Control', 'no-store')
    const user = await AccountService.confirmEmailChange(params.token)
    if (!user) response.status(410)
    return view.render('pages/account/email_confirmed', {
      changed: !!user,
      newEmail: user?.email,
    })
  }
}
