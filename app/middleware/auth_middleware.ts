import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { SessionPolicy } from '#services/account/session_policy'

/**
 * Merchant area guard. Besides "is logged in" it enforces what a payment portal
 * needs: a locked or disabled user is logged out on the next request, sessions
 * end after 12 hours whatever the activity, and authenticated pages are never cached.
 */
export default class AuthMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const guard = ctx.auth.use('web')
    const loggedIn = await guard.check()
    const user = guard.user

    if (
      !loggedIn ||
      !user ||
      !user.isActive ||
      SessionPolicy.isExpired(ctx.session) ||
      !SessionPolicy.isCurrentGeneration(ctx.session, 'web', user.sessionGeneration)
    ) {
      if (loggedIn) await guard.logout()
      /* back to the page asked for after the login (GET only) */
      const target = ctx.request.method() === 'GET' ? ctx.request.url(true) : '/'
      return ctx.response
        .redirect()
        .toRoute(
          'account.login',
          undefined,
          target && target !== '/' ? { qs: { redirect: target } } : {}
        )
    }

    ctx.response.header('Cache-Control', 'no-store')
    if ('view' in ctx) ctx.view.share({ currentUser: user })
    return next()
  }
}
