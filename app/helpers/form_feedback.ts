import type { HttpContext } from '@adonisjs/core/http'
import { NOT_FLASHED } from '#exceptions/form_pages'
import type { PasswordProblem } from '#services/account/password_policy'

/**
 * Shows a rule failure found after validation (a wrong current password, a
 * refused captcha) under its field, the way the exception handler shows a
 * validation error: the input back in the form (never a secret) and the
 * message in `inputErrorsBag`.
 */
export function flashFieldError(ctx: Pick<HttpContext, 'session'>, field: string, message: string) {
  ctx.session.flashExcept(NOT_FLASHED)
  ctx.session.flash('inputErrorsBag', { [field]: [message] })
}

/** The translated reason a password was refused. */
export const passwordProblemMessage = (ctx: Pick<HttpContext, 'i18n'>, problem: PasswordProblem) =>
  ctx.i18n.t(`account.password_problem.${problem}`)
