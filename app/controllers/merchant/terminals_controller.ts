import type { HttpContext } from '@adonisjs/core/http'
import { TerminalService } from '#services/merchant/terminal_service'
import { terminalParamsValidator } from '#validators/merchant'

export default class TerminalsController {
  async index({ view, customerScope }: HttpContext) {
    const terminals = await TerminalService.list(customerScope)
    return view.render('pages/merchant/terminals/index', { terminals })
  }

  /** A terminal by its TID; another customer's TID gives the same 404 as an unknown one. */
  async show({ view, request, params, customerScope }: HttpContext) {
    const { tid } = await request.validateUsing(terminalParamsValidator, { data: params })
    const terminal = await TerminalService.find(customerScope, tid)
    const activity = await TerminalService.activity(customerScope, terminal)
    return view.render('pages/merchant/terminals/show', { terminal, ...activity })
  }
}
