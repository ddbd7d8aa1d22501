import type { HttpContext } from '@adonisjs/core/http'
import { registerValidator } from '#validators/auth'
import { withTimingFloor } from '#services/account/even_timing'
import { PasswordPolicy } from '#services/account/password_policy'
import { RegistrationService } from '#services/account/registration_service'
import {
  flashFieldError,
  passwordProblemMessage,
  validateOr,
} from '#services/account/form_feedback'

/** The answer takes at least this long, whichever branch ran. */
const REGISTER_FLOOR_MS = 500

/** „Registrieren“ and the e-mail confirmation link. */
export default class RegistrationController {
  async show({ view }: HttpContext) {
    return view.render('pages/account/register')
  }

  async store(ctx: HttpContext) {
    const { response, i18n } = ctx
    const data = await validateOr(ctx, registerValidator, '/register')
    if (!data) return
    const problem = PasswordPolicy.check(data.password, {
      email: data.email,
      customerNumbers: [data.customer_number],
    })
    if (problem) {
      flashFieldError(ctx, 'password', passwordProblemMessage(ctx, problem))
      return response.redirect('/register')
    }
    await withTimingFloor(REGISTER_FLOOR_MS, () =>
      RegistrationService.register({
        email: data.email,
        password: data.password,
        customerNumber: data.customer_number,
        terminalId: data.terminal_id,
        locale: i18n.locale,
      })
    )
    return response.redirect('/register/sent')
  }

  async sent({ view }: HttpContext) {
    return view.render('pages/account/register_sent')
  }

  async verify(ctx: HttpContext) {
    const outcome = await RegistrationService.verify(ctx.params.token)
    ctx.response.header('Referrer-Policy', 'no-referrer')
    ctx.response.header('Cache-Control', 'no-store')
    if (!outcome) ctx.response.status(410)
    return ctx.view.render('pages/account/verified', { outcome })
  }
}
