import type { HttpContext } from '@adonisjs/core/http'
import { urlFor } from '@adonisjs/core/services/url_builder'
import { AuditLog } from '#services/admin/audit_log'
import { auditFilterValidator } from '#validators/admin'

/** /admin/audit (admins only): the audit log with filters. */
export default class AuditController {
  async index({ request, view }: HttpContext) {
    const { page, ...filters } = await request.validateUsing(auditFilterValidator, {
      data: request.qs(),
    })
    const { events, staffNames } = await AuditLog.search({ ...filters, page })
    events.baseUrl(urlFor('admin.audit.index'))
    events.queryString(filters)
    return view.render('pages/admin/audit/index', { events, staffNames, filters })
  }
}
