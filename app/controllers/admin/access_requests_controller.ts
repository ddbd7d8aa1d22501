import type { HttpContext } from '@adonisjs/core/http'
import { SupportAccessRequests } from '#services/account/customer_users_service'
import { accessRequestApprovalValidator, accessRequestParamsValidator } from '#validators/admin'

/**
 * Support decides a customer's pending access request (/admin/customers/:id): approve
 * with a role or deny — the same effects as an owner's decision, audited with the staff
 * member as actor.
 */
export default class AccessRequestsController {
  async approve({ params, request, response, session, i18n, auth }: HttpContext) {
    const { id, requestId } = await request.validateUsing(accessRequestParamsValidator, {
      data: params,
    })
    const { role } = await request.validateUsing(accessRequestApprovalValidator)
    await SupportAccessRequests.approve(auth.use('admin').user!.id, id, requestId, role)
    session.flash('success', i18n.t('admin.access_requests.approved'))
    return response.redirect().toRoute('admin.customers.show', { id })
  }

  async deny({ params, request, response, session, i18n, auth }: HttpContext) {
    const { id, requestId } = await request.validateUsing(accessRequestParamsValidator, {
      data: params,
    })
    await SupportAccessRequests.deny(auth.use('admin').user!.id, id, requestId)
    session.flash('success', i18n.t('admin.access_requests.denied'))
    return response.redirect().toRoute('admin.customers.show', { id })
  }
}
