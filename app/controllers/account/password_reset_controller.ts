import type { HttpContext } from '@adonisjs/core/http'
import { forgotPasswordValidator, resetPasswordValidator } from '#validators/account'
import { PasswordResetService } from '#services/account/password_reset_service'
import { flashFieldError, passwordProblemMessage } from '#helpers/form_feedback'

/** „Passwort vergessen“: request a link, then set a new password with it. */
export default class PasswordResetController {
  async create({ view }: HttpContext) {
    return view.render('pages/account/forgot_password')
  }

  async store(ctx: HttpContext) {
    const { request, response, i18n } = ctx
    const data = await request.validateUsing(forgotPasswordValidator)
    const result = await PasswordResetService.request(data.email, data.customer_number, data.altcha)
    if (result !== 'done') {
      const key = result === 'captcha_missing' ? 'captcha.missing' : 'captcha.invalid'
      flashFieldError(ctx, 'altcha', i18n.t(key))
      return response.redirect().toRoute('account.forgot')
    }
    return response.redirect().toRoute('account.forgot.sent')
  }

  async sent({ view }: HttpContext) {
    return view.render('pages/account/forgot_password_sent')
  }

  async edit({ params, view, response }: HttpContext) {
    response.header('Referrer-Policy', 'no-referrer')
    response.header('Cache-Control', 'no-store')
    const user = await PasswordResetService.userForToken(params.token)
    if (!user) response.status(410)
    return view.render('pages/account/reset_password', { valid: !!user, token: params.token })
  }

  async update(ctx: HttpContext) {
    const { params, request, response, session, view, i18n } = ctx
    response.header('Referrer-Policy', 'no-referrer')
    response.header('Cache-Control', 'no-store')
    const data = await request.validateUsing(resetPasswordValidator)
    const result = await PasswordResetService.reset(params.token, data.password)
    if (result === 'invalid') {
      response.status(410)
      return view.render('pages/account/reset_password', { valid: false, token: '' })
    }
    if (result !== 'done') {
      flashFieldError(ctx, 'password', passwordProblemMessage(ctx, result))
      return response.redirect().toRoute('account.reset', { token: params.token })
    }
    session.flash('success', i18n.t('account.reset.done'))
    return response.redirect().toRoute('account.login')
  }
}
