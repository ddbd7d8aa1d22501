import type { HttpContext } from '@adonisjs/core/http'
import { TerminalService } from '#services/merchant/terminal_service'
import { plainQuery } from '#services/merchant/plain_query'
import { terminalParamsValidator } from '#validators/merchant'
import { terminalListValidator } from '#validators/merchant'

export default class TerminalsController {
  /** The scope's terminals: search, sort and page from the query string. */
  async index({ view, request, bouncer, customerScope: linked }: HttpContext) {
    const customerScope = await linked.authorize(bouncer, 'viewTerminals')
    const query = await request.validateUsing(terminalListValidator, {
      data: withoutEmpty(plainQuery(request)),
    })
    const list = await TerminalService.list(customerScope, query)
    return view.render('pages/merchant/terminals/index', { ...list, query })
  }

  /** A terminal by its TID; another customer's TID gives the same 404 as an unknown one. */
  async show({ view, request, params, bouncer, customerScope: linked }: HttpContext) {
    const customerScope = await linked.authorize(bouncer, 'viewTerminals')
    const { tid } = await request.validateUsing(terminalParamsValidator, { data: params })
    const terminal = await TerminalService.find(customerScope, tid)
    const activity = await TerminalService.activity(customerScope, terminal)
    return view.render('pages/merchant/terminals/show', { terminal, ...activity })
  }
}

/* the search form sends its empty fields; they mean "not set" */
function withoutEmpty(query: Record<string, string>) {
  return Object.fromEntries(Object.entries(query).filter(([, value]) => value.trim() !== ''))
}
