import type { HttpContext } from '@adonisjs/core/http'
import { urlFor } from '@adonisjs/core/services/url_builder'
import { OneTimeTokenService } from '#services/account/one_time_token_service'
import { registerValidator } from '#validators/account'
import { RegistrationService } from '#services/account/registration_service'
import { flashFieldError, passwordProblemMessage } from '#helpers/form_feedback'
import { confirmLinkPage } from '#helpers/confirm_link_page'

/** „Registrieren“ and the e-mail confirmation link. */
export default class RegistrationController {
  async show({ view }: HttpContext) {
    return view.render('pages/account/register')
  }

  async store(ctx: HttpContext) {
    const { request, response, i18n } = ctx
    const data = await request.validateUsing(registerValidator)
    const problem = await RegistrationService.register({
      email: data.email,
      password: data.password,
      customerNumber: data.customer_number,
      terminalId: data.terminal_id,
      locale: i18n.locale,
    })
    if (problem) {
      flashFieldError(ctx, 'password', passwordProblemMessage(ctx, problem))
      return response.redirect().toRoute('account.register')
    }
    return response.redirect().toRoute('account.register.sent')
  }

  async sent({ view }: HttpContext) {
    return view.render('pages/account/register_sent')
  }

  /** The mailed link only asks (mail scanners open links); the button confirms. */
  async confirmPage(ctx: HttpContext) {
    const token = ctx.params.token
    return confirmLinkPage(ctx, {
      valid: !!(await OneTimeTokenService.find(token, 'verify_email')),
      keys: {
        title: 'account.verify.confirm_title',
        text: 'account.verify.confirm_text',
        button: 'account.verify.confirm_button',
      },
      action: urlFor('account.verify.store', { token }),
      invalid: { view: 'pages/account/verified', data: { outcome: null } },
    })
  }

  async verify({ params, response, view }: HttpContext) {
    const outcome = await RegistrationService.verify(params.token)
    response.header('Referrer-Policy', 'no-referrer')
    response.header('Cache-Control', 'no-store')
    if (!outcome) response.status(410)
    return view.render('pages/account/verified', { outcome })
  }
}
