import type { HttpContext } from '@adonisjs/core/http'
import { LookupService } from '#services/admin/lookup_service'

/** /admin/terminals: read-only terminal look-up with the customer's users. */
export default class TerminalsController {
  async index({ request, view }: HttpContext) {
    const q = String(request.input('q', '')).slice(0, 100)
    const terminals = await LookupService.terminals(q, Number(request.input('page', 1)) || 1)
    terminals.baseUrl(request.url())
    terminals.queryString({ q })
    return view.render('pages/admin/terminals/index', { terminals, q })
  }

  async show({ params, view, response }: HttpContext) {
    const terminal = await LookupService.terminal(Number(params.id))
    if (!terminal) return response.notFound()
    return view.render('pages/admin/terminals/show', { terminal })
  }
}
