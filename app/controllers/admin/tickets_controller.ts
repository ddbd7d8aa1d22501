import type { HttpContext } from '@adonisjs/core/http'
import { urlFor } from '@adonisjs/core/services/url_builder'
import Ticket, { TICKET_CATEGORIES, TICKET_STATUSES } from '#models/ticket'
import { TicketService, ageOf } from '#services/admin/ticket_service'
import { SavedReplies } from '#services/admin/saved_replies'
import { availableActions, type AccountAction } from '#services/account/account_state_service'
import {
  ticketAssignValidator,
  ticketFilterValidator,
  ticketNoteValidator,
  ticketReplyValidator,
  ticketShowValidator,
  ticketStatusValidator,
} from '#validators/admin'

/* the one-click fixes a requester usually writes about, right on the ticket */
const TICKET_ACCOUNT_ACTIONS: AccountAction[] = ['unlock', 'approve', 'resend_verification']

/** /admin/tickets: requests, their conversation, and the agents' tools on them. */
export default class TicketsController {
  async index({ request, view, auth }: HttpContext) {
    const {
      status = 'open',
      category = '',
      assignee = '',
      q = '',
      sort = '',
      page,
    } = await request.validateUsing(ticketFilterValidator, { data: request.qs() })
    const filters = { status, category, assignee, q, sort }
    const { page: tickets, staffNames } = await TicketService.list(
      { ...filters, page },
      auth.use('admin').user!.id
    )
    tickets.baseUrl(urlFor('admin.tickets.index'))
    tickets.queryString(filters)
    return view.render('pages/admin/tickets/index', {
      tickets,
      ages: new Map(tickets.all().map((ticket) => [ticket.id, ageOf(ticket)])),
      staffNames,
      agents: await TicketService.agents(),
      filters,
      statuses: TICKET_STATUSES,
      categories: TICKET_CATEGORIES,
    })
  }

  async show({ params, request, view }: HttpContext) {
    const { saved_reply: savedReplyId } = await request.validateUsing(ticketShowValidator, {
      data: request.qs(),
    })
    const detail = await TicketService.detail(params.id)
    const accountActions = detail.user
      ? availableActions(detail.user).filter((action) => TICKET_ACCOUNT_ACTIONS.includes(action))
      : []
    const prefill = savedReplyId ? await SavedReplies.find(savedReplyId) : null
    return view.render('pages/admin/tickets/show', {
      ...detail,
      accountActions,
      agents: await TicketService.agents(),
      statuses: TICKET_STATUSES,
      prefill: prefill?.body ?? '',
    })
  }

  async reply({ params, request, response, session, i18n, auth }: HttpContext) {
    const ticket = await Ticket.findOrFail(params.id)
    const { body } = await request.validateUsing(ticketReplyValidator)
    await TicketService.reply(ticket, auth.use('admin').user!, body)
    session.flash('success', i18n.t('admin.tickets.replied', { reference: ticket.reference }))
    return response.redirect().toRoute('admin.tickets.show', { id: ticket.id })
  }

  async note({ params, request, response, session, i18n, auth }: HttpContext) {
    const ticket = await Ticket.findOrFail(params.id)
    const { note } = await request.validateUsing(ticketNoteValidator)
    await TicketService.addNote(ticket, auth.use('admin').user!, note)
    session.flash('success', i18n.t('admin.tickets.note_added'))
    return response.redirect().toRoute('admin.tickets.show', { id: ticket.id })
  }

  async status({ params, request, response, session, i18n, auth }: HttpContext) {
    const ticket = await Ticket.findOrFail(params.id)
    const { status } = await request.validateUsing(ticketStatusValidator)
    await TicketService.setStatus(ticket, status, auth.use('admin').user!)
    session.flash(
      'success',
      i18n.t('admin.tickets.status_set', { status: i18n.t(`admin.ticket_statuses.${status}`) })
    )
    return response.redirect().toRoute('admin.tickets.show', { id: ticket.id })
  }

  async assign({ params, request, response, session, i18n, auth }: HttpContext) {
    const ticket = await Ticket.findOrFail(params.id)
    const { assignee = '' } = await request.validateUsing(ticketAssignValidator)
    const result = await TicketService.assign(ticket, assignee, auth.use('admin').user!)
    session.flash(
      result === 'unknown_agent' ? 'error' : 'success',
      i18n.t(`admin.tickets.assign_result.${result}`)
    )
    return response.redirect().toRoute('admin.tickets.show', { id: ticket.id })
  }
}
