import type { HttpContext } from '@adonisjs/core/http'
import { urlFor } from '@adonisjs/core/services/url_builder'
import Ticket, { TICKET_CATEGORIES, TICKET_STATUSES } from '#models/ticket'
import { TicketService } from '#services/admin/ticket_service'
import { availableActions, type AccountAction } from '#services/account/account_state_service'
import {
  ticketFilterValidator,
  ticketReplyValidator,
  ticketStatusValidator,
} from '#validators/admin'

/* the one-click fixes a requester usually writes about, right on the ticket */
const TICKET_ACCOUNT_ACTIONS: AccountAction[] = ['unlock', 'approve', 'resend_verification']

/** /admin/tickets: the contact-form requests and their conversation. */
export default class TicketsController {
  async index({ request, view }: HttpContext) {
    const {
      status = 'open',
      category = '',
      page,
    } = await request.validateUsing(ticketFilterValidator, { data: request.qs() })
    const filters = { status, category }
    const tickets = await TicketService.list({ ...filters, page })
    tickets.baseUrl(urlFor('admin.tickets.index'))
    tickets.queryString(filters)
    return view.render('pages/admin/tickets/index', {
      tickets,
      filters,
      statuses: TICKET_STATUSES,
      categories: TICKET_CATEGORIES,
    })
  }

  async show({ params, view }: HttpContext) {
    const detail = await TicketService.detail(params.id)
    const accountActions = detail.user
      ? availableActions(detail.user).filter((action) => TICKET_ACCOUNT_ACTIONS.includes(action))
      : []
    return view.render('pages/admin/tickets/show', { ...detail, accountActions })
  }

  async reply({ params, request, response, session, i18n, auth }: HttpContext) {
    const ticket = await Ticket.findOrFail(params.id)
    const { body } = await request.validateUsing(ticketReplyValidator)
    await TicketService.reply(ticket, auth.use('admin').user!, body)
    session.flash('success', i18n.t('admin.tickets.replied', { reference: ticket.reference }))
    return response.redirect().toRoute('admin.tickets.show', { id: ticket.id })
  }

  async status({ params, request, response, session, i18n, auth }: HttpContext) {
    const ticket = await Ticket.findOrFail(params.id)
    const { status } = await request.validateUsing(ticketStatusValidator)
    await TicketService.setStatus(ticket, status, auth.use('admin').user!)
    session.flash('success', i18n.t(`admin.tickets.${status === 'closed' ? 'closed' : 'reopened'}`))
    return response.redirect().toRoute('admin.tickets.show', { id: ticket.id })
  }
}
