import type { HttpContext } from '@adonisjs/core/http'
import { forgotPasswordValidator, resetPasswordValidator } from '#validators/auth'
import { AltchaService } from '#services/security/altcha_service'
import { withTimingFloor } from '#services/account/even_timing'
import { PasswordResetService } from '#services/account/password_reset_service'
import {
  flashFieldError,
  passwordProblemMessage,
  validateOr,
} from '#services/account/form_feedback'

const FORGOT_FLOOR_MS = 300

/** „Passwort vergessen“: request a link, then set a new password with it. */
export default class PasswordResetController {
  async create({ view }: HttpContext) {
    return view.render('pages/account/forgot_password')
  }

  async store(ctx: HttpContext) {
    const { request, response, i18n } = ctx
    const data = await validateOr(ctx, forgotPasswordValidator, '/forgot-password')
    if (!data) return
    const captcha = await AltchaService.verify(request.input('altcha'))
    if (captcha !== 'ok') {
      const key = captcha === 'missing' ? 'captcha.missing' : 'captcha.invalid'
      flashFieldError(ctx, 'altcha', i18n.t(key))
      return response.redirect('/forgot-password')
    }
    await withTimingFloor(FORGOT_FLOOR_MS, () =>
      PasswordResetService.request(data.email, data.customer_number)
    )
    return response.redirect('/forgot-password/sent')
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
    const { params, response, session, view, i18n } = ctx
    response.header('Referrer-Policy', 'no-referrer')
    response.header('Cache-Control', 'no-store')
    const back = `/reset-password/${encodeURIComponent(params.token)}`
    const data = await validateOr(ctx, resetPasswordValidator, back)
    if (!data) return
    const result = await PasswordResetService.reset(params.token, data.password)
    if (result === 'invalid') {
      response.status(410)
      return view.render('pages/account/reset_password', { valid: false, token: '' })
    }
    if (result !== 'done') {
      flashFieldError(ctx, 'password', passwordProblemMessage(ctx, result))
      return response.redirect(back)
    }
    session.flash('success', i18n.t('account.reset.done'))
    return response.redirect('/login')
  }
}
