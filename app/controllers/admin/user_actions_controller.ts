import type { HttpContext } from '@adonisjs/core/http'
import User from '#models/user'
import { staffActionValidator } from '#validators/staff_action'
import { USER_ACTIONS, UserAdminService, type UserAction } from '#services/admin/user_admin_service'
import { safeRedirectTarget } from '#services/account/redirect_target'

const isAction = (value: string): value is UserAction =>
  (USER_ACTIONS as readonly string[]).includes(value)

/** Only admin-area paths are followed after an action. */
const backTo = (value: unknown, user: User) => {
  const target = safeRedirectTarget(value, '')
  return target.startsWith('/admin/') ? target : `/admin/users/${user.id}`
}

/**
 * Unlock, lock, approve, disable, resend verification, unlink: every action
 * needs a confirmation (the browser's dialog, or this confirm page without JS).
 */
export default class UserActionsController {
  async confirm({ params, request, view, response }: HttpContext) {
    const user = await User.query().where('id', params.id).preload('customers').first()
    if (!user || !isAction(params.action)) return response.notFound()
    const customerId = Number(request.input('customerId')) || null
    return view.render('pages/admin/users/confirm', {
      user,
      action: params.action,
      customer: user.customers.find((entry) => entry.id === customerId) ?? null,
      reason: String(request.input('reason', '')).slice(0, 500),
      back: backTo(request.input('back'), user),
    })
  }

  async perform(ctx: HttpContext) {
    const { params, request, response, session, i18n, auth } = ctx
    const user = await User.find(params.id)
    if (!user || !isAction(params.action)) return response.notFound()
    const input = await request.validateUsing(staffActionValidator)
    const back = backTo(input.back, user)

    if (input.confirmed !== '1') {
      const query = new URLSearchParams({ back })
      if (input.reason) query.set('reason', input.reason)
      if (input.customerId) query.set('customerId', String(input.customerId))
      return response.redirect(`/admin/users/${user.id}/actions/${params.action}?${query}`)
    }

    const result = await UserAdminService.perform(
      params.action,
      user,
      auth.use('admin').user!,
      input
    )
    if (result.ok) session.flash('success', i18n.t(`admin.actions.${params.action}.done`))
    else session.flash('error', i18n.t(`admin.actions.errors.${result.error}`))
    return response.redirect(back)
  }
}
