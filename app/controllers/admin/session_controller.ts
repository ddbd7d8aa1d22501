import type { HttpContext } from '@adonisjs/core/http'
import { staffLoginValidator } from '#validators/admin'
import { StaffLoginService } from '#services/admin/staff_login_service'
import { SessionRegistry } from '#services/account/session_registry'

/** Admin login, step one (e-mail + password), and logout. */
export default class SessionController {
  async show({ view }: HttpContext) {
    return view.render('pages/admin/login')
  }

  async store(ctx: HttpContext) {
    const { request, response, session, i18n } = ctx
    const { email, password } = await request.validateUsing(staffLoginValidator)
    const staff = await StaffLoginService.logIn(ctx, email, password)
    if (!staff) {
      session.flash('error', i18n.t('admin.login.failed'))
      session.flashOnly(['email'])
      return response.redirect().toRoute('admin.login')
    }
    /* logged in with a renewed session id; the second factor is still outstanding */
    session.put('staff_2fa_passed', false)
    return response.redirect().toRoute(staff.totpEnabledAt ? 'admin.totp' : 'admin.enrol')
  }

  async destroy({ auth, session, response, i18n }: HttpContext) {
    const guard = auth.use('admin')
    if (await guard.check()) {
      await session.untag(SessionRegistry.staffTag(guard.user!.id))
      await guard.logout()
    }
    session.forget('staff_2fa_passed')
    session.regenerate()
    session.flash('success', i18n.t('admin.login.logged_out'))
    return response.redirect().toRoute('admin.login')
  }
}
