import type { HttpContext } from '@adonisjs/core/http'
import { urlFor } from '@adonisjs/core/services/url_builder'
import User from '#models/user'
import ErasureRequest from '#models/erasure_request'
import StaffUser from '#models/staff_user'
import {
  erasureApproveValidator,
  erasureRequestIdValidator,
  erasureRequestValidator,
  userIdValidator,
} from '#validators/privacy'
import { ErasureService } from '#services/privacy/erasure_service'

/**
 * Support's „Löschen auf Antrag“ (/admin/users/:id/erasure): one staff member files
 * the request with its reason, a second, different one approves, then the erasure runs.
 */
export default class AdminErasuresController {
  async show({ params, request, view, auth }: HttpContext) {
    const { id } = await request.validateUsing(userIdValidator, { data: params })
    const user = await User.findOrFail(id)
    const pending = await ErasureService.pendingRequest(user.id)
    const history = await ErasureRequest.query().where('user_id', user.id).orderBy('id', 'desc')
    const staffIds = [
      ...new Set(
        history.flatMap((entry) => [entry.requestedByStaffId, entry.approvedByStaffId ?? 0])
      ),
    ]
    const staff = await StaffUser.query().whereIn('id', staffIds)
    return view.render('pages/privacy/admin_erasure', {
      user,
      erased: ErasureService.isErased(user),
      pending,
      history,
      staffNames: Object.fromEntries(staff.map((entry) => [entry.id, entry.fullName])),
      me: auth.use('admin').user!,
      lastOwned: await ErasureService.lastOwnedCustomers(user.id),
    })
  }

  async store({ params, request, response, session, i18n, auth }: HttpContext) {
    const { id } = await request.validateUsing(userIdValidator, { data: params })
    const user = await User.findOrFail(id)
    const { reason } = await request.validateUsing(erasureRequestValidator)
    const result = await ErasureService.requestBySupport(user, auth.use('admin').user!, reason)
    if (result.ok) session.flash('success', i18n.t('privacy.admin.requested'))
    else session.flash('error', i18n.t(`privacy.admin.errors.${result.error}`))
    return response.redirect(urlFor('admin.privacy.erasure', { id: user.id }))
  }

  async approve({ params, request, response, session, i18n, auth }: HttpContext) {
    const { id, requestId } = await request.validateUsing(erasureRequestIdValidator, {
      data: params,
    })
    const pending = await ErasureRequest.query()
      .where('id', requestId)
      .where('user_id', id)
      .firstOrFail()
    const data = await request.validateUsing(erasureApproveValidator)
    const result = await ErasureService.approveBySupport(
      pending.id,
      auth.use('admin').user!,
      data.override_last_owner === true
    )
    if (result.ok) session.flash('success', i18n.t('privacy.admin.erased'))
    else
      session.flash(
        'error',
        i18n.t(`privacy.admin.errors.${result.error}`, {
          customers: (result.customers ?? [])
            .map((customer) => `${customer.companyName} (${customer.customerNumber})`)
            .join(', '),
        })
      )
    return response.redirect(urlFor('admin.privacy.erasure', { id }))
  }

  async cancel({ params, request, response, session, i18n, auth }: HttpContext) {
    const { id, requestId } = await request.validateUsing(erasureRequestIdValidator, {
      data: params,
    })
    await ErasureRequest.query().where('id', requestId).where('user_id', id).firstOrFail()
    const result = await ErasureService.cancelBySupport(requestId, auth.use('admin').user!)
    if (result.ok) session.flash('success', i18n.t('privacy.admin.cancelled'))
    else session.flash('error', i18n.t(`privacy.admin.errors.${result.error}`))
    return response.redirect(urlFor('admin.privacy.erasure', { id }))
  }
}
