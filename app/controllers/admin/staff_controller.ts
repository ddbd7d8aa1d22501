import type { HttpContext } from '@adonisjs/core/http'
import StaffUser from '#models/staff_user'
import {
  staffActionParamsValidator,
  staffActionValidator,
  staffCreateValidator,
} from '#validators/admin'
import {
  StaffAccountService,
  StaffAdminService,
  availableStaffActions,
} from '#services/admin/staff_account_service'

/** /admin/staff (admins only): staff accounts — create, unlock, disable, reset two-factor. */
export default class StaffController {
  async index({ view }: HttpContext) {
    const staff = await StaffUser.query().orderBy('email', 'asc')
    return view.render('pages/admin/staff/index', {
      staff: staff.map((member) => ({ member, actions: availableStaffActions(member) })),
    })
  }

  async store({ request, response, session, i18n, auth }: HttpContext) {
    const data = await request.validateUsing(staffCreateValidator)
    const admin = auth.use('admin').user!
    const result = await StaffAccountService.create(data, { type: 'staff', id: admin.id })
    session.flash(
      result.ok ? 'success' : 'error',
      i18n.t(result.ok ? 'admin.staff.created' : 'admin.staff.exists', { email: data.email })
    )
    return response.redirect().toRoute('admin.staff.index')
  }

  /** Without the browser's confirmation (no JavaScript) the confirm page comes first. */
  async perform({ params, request, response, session, i18n, auth, view }: HttpContext) {
    const { id, action } = await request.validateUsing(staffActionParamsValidator, {
      data: params,
    })
    const target = await StaffUser.findOrFail(id)
    const { confirmed } = await request.validateUsing(staffActionValidator)
    if (confirmed !== '1') return view.render('pages/admin/staff/confirm', { target, action })
    const done = await StaffAdminService.perform(action, target, auth.use('admin').user!)
    session.flash(
      done ? 'success' : 'error',
      i18n.t(done ? `admin.staff.actions.${action}.done` : 'admin.staff.not_applicable')
    )
    return response.redirect().toRoute('admin.staff.index')
  }
}
