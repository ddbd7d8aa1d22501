import type { HttpContext } from '@adonisjs/core/http'
import { urlFor } from '@adonisjs/core/services/url_builder'
import User from '#models/user'
import { AccountStateService } from '#services/account/account_state_service'
import { safeRedirectTarget } from '#services/account/redirect_target'
import {
  accountActionParamsValidator,
  accountActionQueryValidator,
  accountActionValidator,
} from '#validators/admin'

/** Only admin-area paths are followed after an action; otherwise the user's page. */
const backTo = (value: string | undefined, user: User) => {
  const target = safeRedirectTarget(value, '')
  return target.startsWith('/admin/') ? target : urlFor('admin.users.show', { id: user.id })
}

/**
 * Unlock, lock, approve, disable, enable, resend verification, unlink: every
 * action needs a confirmation (the browser's dialog, or this confirm page without JS).
 */
export default class UserActionsController {
  async confirm({ params, request, view }: HttpContext) {
    const { id, action } = await request.validateUsing(accountActionParamsValidator, {
      data: params,
    })
    const user = await User.query().where('id', id).preload('customers').firstOrFail()
    const input = await request.validateUsing(accountActionQueryValidator, { data: request.qs() })
    return view.render('pages/admin/users/confirm', {
      user,
      action,
      customer: user.customers.find((entry) => entry.id === input.customerId) ?? null,
      reason: input.reason ?? '',
      back: backTo(input.back, user),
    })
  }

  async perform({ params, request, response, session, i18n, auth }: HttpContext) {
    const { id, action } = await request.validateUsing(accountActionParamsValidator, {
      data: params,
    })
    const user = await User.findOrFail(id)
    const { confirmed, reason, customerId, back } =
      await request.validateUsing(accountActionValidator)
    const target = backTo(back, user)

    if (confirmed !== '1') {
      return response
        .redirect()
        .toRoute(
          'admin.users.confirm',
          { id, action },
          { qs: { back: target, reason, customerId } }
        )
    }

    const staff = auth.use('admin').user!
    const result = await AccountStateService.perform(
      action,
      user,
      { type: 'staff', id: staff.id },
      { reason, customerId }
    )
    if (result.ok) session.flash('success', i18n.t(`admin.actions.${action}.done`))
    else session.flash('error', i18n.t(`admin.actions.errors.${result.error}`))
    return response.redirect(target)
  }
}
