import type { HttpContext } from '@adonisjs/core/http'
import { AuditLog } from '#services/admin/audit_log'

/** /admin/audit (admins only): the audit log with filters. */
export default class AuditController {
  async index({ request, view }: HttpContext) {
    const filters = {
      actor: String(request.input('actor', '')).slice(0, 254),
      user: String(request.input('user', '')).slice(0, 254),
      action: String(request.input('action', '')).slice(0, 60),
      from: String(request.input('from', '')),
      to: String(request.input('to', '')),
    }
    const { events, staffNames } = await AuditLog.search({
      ...filters,
      page: Number(request.input('page', 1)) || 1,
    })
    events.baseUrl(request.url())
    events.queryString(filters)
    return view.render('pages/admin/audit/index', { events, staffNames, filters })
  }
}
