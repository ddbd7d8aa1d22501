import type { HttpContext } from '@adonisjs/core/http'
import { urlFor } from '@adonisjs/core/services/url_builder'
import ChangeRequest, { CHANGE_STATUSES } from '#models/change_request'
import { ChangeApprovalService } from '#services/changes/change_approval_service'
import { changeDecisionValidator, changeFilterValidator } from '#validators/changes'

/** /admin/changes: merchants' change requests; four eyes for bank accounts. */
export default class AdminChangesController {
  async index({ request, view }: HttpContext) {
    const { status = 'open', page } = await request.validateUsing(changeFilterValidator, {
      data: request.qs(),
    })
    const changes = await ChangeApprovalService.list({ status, page })
    changes.baseUrl(urlFor('admin.changes.index'))
    changes.queryString({ status })
    return view.render('pages/changes/admin/index', {
      changes,
      status,
      statuses: ['open', 'all', ...CHANGE_STATUSES],
    })
  }

  async show({ params, view, auth }: HttpContext) {
    const detail = await ChangeApprovalService.detail(params.id)
    return view.render('pages/changes/admin/show', { ...detail, staff: auth.use('admin').user! })
  }

  /** Approve (or, for a terminal order, mark done); refusals come back as a message. */
  async approve({ params, response, session, i18n, auth }: HttpContext) {
    const change = await ChangeRequest.findOrFail(params.id)
    const result = await ChangeApprovalService.approve(change, auth.use('admin').user!)
    const ok = ['approved_once', 'applied', 'done'].includes(result)
    session.flash(ok ? 'success' : 'error', i18n.t(`changes.admin.results.${result}`))
    return response.redirect().toRoute('admin.changes.show', { id: change.id })
  }

  async reject({ params, request, response, session, i18n, auth }: HttpContext) {
    const change = await ChangeRequest.findOrFail(params.id)
    const { note } = await request.validateUsing(changeDecisionValidator)
    const rejected = await ChangeApprovalService.reject(
      change,
      auth.use('admin').user!,
      note ?? null
    )
    session.flash(
      rejected ? 'success' : 'error',
      i18n.t(`changes.admin.results.${rejected ? 'rejected' : 'not_open'}`)
    )
    return response.redirect().toRoute('admin.changes.show', { id: change.id })
  }
}
