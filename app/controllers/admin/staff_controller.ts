import type { HttpContext } from '@adonisjs/core/http'
import { SimpleMessagesProvider, errors } from '@vinejs/vine'
import StaffUser from '#models/staff_user'
import { staffCreateValidator } from '#validators/staff'
import {
  STAFF_ACTIONS,
  StaffAccountService,
  StaffAdminService,
  availableStaffActions,
  type StaffAction,
} from '#services/admin/staff_account_service'

/** /admin/staff (admins only): staff accounts — create, unlock, disable, reset two-factor. */
export default class StaffController {
  async index({ view }: HttpContext) {
    const staff = await StaffUser.query().orderBy('email', 'asc')
    return view.render('pages/admin/staff/index', {
      staff: staff.map((member) => ({ member, actions: availableStaffActions(member) })),
    })
  }

  async store(ctx: HttpContext) {
    const { request, response, session, i18n, auth } = ctx
    let data
    try {
      const t = i18n.t.bind(i18n)
      data = await request.validateUsing(staffCreateValidator, {
        messagesProvider: new SimpleMessagesProvider({
          'required': t('admin.staff.errors.required'),
          'email.email': t('admin.staff.errors.email'),
          'fullName.minLength': t('admin.staff.errors.name'),
          'password.minLength': t('admin.staff.errors.password'),
          'password.maxLength': t('admin.staff.errors.password'),
          'role.enum': t('admin.staff.errors.role'),
        }),
      })
    } catch (error) {
      if (!(error instanceof errors.E_VALIDATION_ERROR)) throw error
      session.flashValidationErrors(error, false)
      session.flashOnly(['email', 'fullName', 'role'])
      return response.redirect().toRoute('admin.staff.index')
    }
    const admin = auth.use('admin').user!
    const result = await StaffAccountService.create(data, { type: 'staff', id: admin.id })
    session.flash(
      result.ok ? 'success' : 'error',
      i18n.t(result.ok ? 'admin.staff.created' : 'admin.staff.exists', { email: data.email })
    )
    return response.redirect().toRoute('admin.staff.index')
  }

  async perform(ctx: HttpContext) {
    const { params, request, response, session, i18n, auth } = ctx
    const target = await StaffUser.find(params.id)
    if (!target || !(STAFF_ACTIONS as readonly string[]).includes(params.action)) {
      return response.notFound()
    }
    if (request.input('confirmed') !== '1') {
      return confirmPage(ctx, target, params.action)
    }
    const done = await StaffAdminService.perform(params.action, target, auth.use('admin').user!)
    session.flash(
      done ? 'success' : 'error',
      i18n.t(done ? `admin.staff.actions.${params.action}.done` : 'admin.staff.not_applicable')
    )
    return response.redirect().toRoute('admin.staff.index')
  }
}

/** The confirm page for a POST that arrived without the browser's confirmation. */
function confirmPage({ view }: HttpContext, target: StaffUser, action: StaffAction) {
  return view.render('pages/admin/staff/confirm', { target, action })
}
