import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'

/**
 * Pages for visitors who are not logged in (login, registration, password
 * reset): a logged-in merchant goes to the dashboard instead.
 */
export default class GuestMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const guard = ctx.auth.use('web')
    /*
     * No user id in the session (no remember-me tokens here): nobody is logged in.
     * Asked first, because the guard's own check builds an exception with a stack
     * trace for every visitor (a noticeable part of POST /login's CPU).
     */
    if (!ctx.session.has(guard.sessionKeyName)) return next()
    if (await guard.check()) {
      return ctx.response.redirect().toRoute('dashboard')
    }
    return next()
  }
}
