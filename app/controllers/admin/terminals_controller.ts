import type { HttpContext } from '@adonisjs/core/http'
import { urlFor } from '@adonisjs/core/services/url_builder'
import { LookupService } from '#services/admin/lookup_service'
import { lookupFilterValidator } from '#validators/admin'

/** /admin/terminals: read-only terminal look-up with the customer's users. */
export default class TerminalsController {
  async index({ request, view }: HttpContext) {
    const { q, page } = await request.validateUsing(lookupFilterValidator, { data: request.qs() })
    const terminals = await LookupService.terminals(q, page)
    terminals.baseUrl(urlFor('admin.terminals.index'))
    terminals.queryString({ q })
    return view.render('pages/admin/terminals/index', { terminals, q })
  }

  async show({ params, view }: HttpContext) {
    const terminal = await LookupService.terminal(params.id)
    return view.render('pages/admin/terminals/show', { terminal })
  }
}
