import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { SessionPolicy } from '#services/account/session_policy'

/**
 * Admin area guard: a staff session with the TOTP step completed. A merchant
 * session never passes (separate guard), and neither does a staff member who has
 * only typed the password.
 */
export default class StaffAuthMiddleware {
  async handle(ctx: HttpContext, next: NextFn, options: { role?: 'admin' } = {}) {
    const guard = ctx.auth.use('admin')
    const loggedIn = await guard.check()
    const staff = guard.user

    if (
      !loggedIn ||
      !staff ||
      staff.state !== 'active' ||
      SessionPolicy.isExpired(ctx.session) ||
      !SessionPolicy.isCurrentGeneration(ctx.session, 'admin', staff.sessionGeneration)
    ) {
      if (loggedIn) await guard.logout()
      return ctx.response.redirect().toRoute('admin.login')
    }
    if (ctx.session.get('staff_2fa_passed') !== true) {
      return ctx.response.redirect().toRoute(staff.totpEnabledAt ? 'admin.totp' : 'admin.enrol')
    }
    if (options.role === 'admin' && !staff.isAdmin) {
      return ctx.response.forbidden(ctx.i18n.t('admin.errors.admins_only'))
    }

    ctx.response.header('Cache-Control', 'no-store')
    if ('view' in ctx) ctx.view.share({ currentStaff: staff })
    return next()
  }
}
