import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'

/** The admin login page: a fully signed-in staff member goes to the admin dashboard. */
export default class StaffGuestMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    if ((await ctx.auth.use('admin').check()) && ctx.session.get('staff_2fa_passed') === true) {
      return ctx.response.redirect().toRoute('admin.dashboard')
    }
    return next()
  }
}
