import type { HttpContext } from '@adonisjs/core/http'
import { errors as vineErrors } from '@vinejs/vine'
import type { PasswordProblem } from '#services/account/password_policy'

/** The validation-message prefix of the account forms (`account.validation.*` in resources/lang). */
export const validationMessages = (ctx: Pick<HttpContext, 'i18n'>) => ({
  messagesProvider: ctx.i18n.createMessagesProvider('account.validation'),
})

/** Never flashed back into a form (the session lives in Redis): secrets and one-time values. */
const NOT_FLASHED = [
  '_csrf',
  '_method',
  'password',
  'password_confirmation',
  'current_password',
  'current_password_email',
  'altcha',
]

/**
 * Shows a rule failure under a field the way a validation error is shown:
 * flashed input (never passwords) plus the message in `inputErrorsBag`.
 */
export function flashFieldError(ctx: Pick<HttpContext, 'session'>, field: string, message: string) {
  ctx.session.flashExcept(NOT_FLASHED)
  ctx.session.flash('inputErrorsBag', { [field]: [message] })
}

/** The translated reason a password was refused. */
export const passwordProblemMessage = (ctx: Pick<HttpContext, 'i18n'>, problem: PasswordProblem) =>
  ctx.i18n.t(`account.password_problem.${problem}`)

/**
 * Validates the request; on failure flashes the errors (German/English from
 * `account.validation`) and redirects to `back` — the reset page sends no
 * Referer, so „back“ is always named. Returns null when it redirected.
 */
export async function validateOr<T extends { validate: (...args: any[]) => any }>(
  ctx: HttpContext,
  validator: T,
  back: string
): Promise<Awaited<ReturnType<T['validate']>> | null> {
  try {
    return await ctx.request.validateUsing(validator as any, validationMessages(ctx))
  } catch (error) {
    if (!(error instanceof vineErrors.E_VALIDATION_ERROR)) throw error
    /* the framework's own list keeps current_password(_email) in the flash */
    ctx.session.flashValidationErrors(error, false)
    ctx.session.flashExcept(NOT_FLASHED)
    ctx.response.redirect(back)
    return null
  }
}
