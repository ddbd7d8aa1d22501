import type { HttpContext } from '@adonisjs/core/http'
import { SimpleMessagesProvider, errors } from '@vinejs/vine'
import Ticket, { TICKET_CATEGORIES, TICKET_STATUSES } from '#models/ticket'
import { TicketService } from '#services/admin/ticket_service'
import { availableActions, type UserAction } from '#services/admin/user_admin_service'

const TICKET_ACCOUNT_ACTIONS: UserAction[] = ['unlock', 'approve', 'resend_verification']
import { ticketReplyValidator, ticketStatusValidator } from '#validators/ticket'

/** /admin/tickets: the contact-form requests and their conversation. */
export default class TicketsController {
  async index({ request, view }: HttpContext) {
    const filters = {
      status: String(request.input('status', 'open')),
      category: String(request.input('category', '')),
      page: Number(request.input('page', 1)) || 1,
    }
    const tickets = await TicketService.list(filters)
    tickets.baseUrl(request.url())
    tickets.queryString({ status: filters.status, category: filters.category })
    return view.render('pages/admin/tickets/index', {
      tickets,
      filters,
      statuses: TICKET_STATUSES,
      categories: TICKET_CATEGORIES,
    })
  }

  async show({ params, view, response }: HttpContext) {
    const detail = await TicketService.detail(Number(params.id))
    if (!detail) return response.notFound()
    /* the one-click fixes a requester usually writes about, right on the ticket */
    const accountActions = detail.user
      ? availableActions(detail.user).filter((action) => TICKET_ACCOUNT_ACTIONS.includes(action))
      : []
    return view.render('pages/admin/tickets/show', { ...detail, accountActions })
  }

  async reply(ctx: HttpContext) {
    const { params, request, response, session, i18n, auth } = ctx
    const ticket = await Ticket.find(params.id)
    if (!ticket) return response.notFound()
    const t = i18n.t.bind(i18n)
    let body: string
    try {
      ;({ body } = await request.validateUsing(ticketReplyValidator, {
        messagesProvider: new SimpleMessagesProvider({
          'required': t('admin.tickets.errors.body'),
          'body.minLength': t('admin.tickets.errors.body'),
          'body.maxLength': t('admin.tickets.errors.body_long'),
        }),
      }))
    } catch (error) {
      if (!(error instanceof errors.E_VALIDATION_ERROR)) throw error
      session.flashValidationErrors(error)
      return response.redirect().toRoute('admin.tickets.show', { id: ticket.id })
    }
    await TicketService.reply(ticket, auth.use('admin').user!, body)
    session.flash('success', i18n.t('admin.tickets.replied', { reference: ticket.reference }))
    return response.redirect().toRoute('admin.tickets.show', { id: ticket.id })
  }

  async status(ctx: HttpContext) {
    const { params, request, response, session, i18n, auth } = ctx
    const ticket = await Ticket.find(params.id)
    if (!ticket) return response.notFound()
    const { status } = await request.validateUsing(ticketStatusValidator)
    await TicketService.setStatus(ticket, status, auth.use('admin').user!)
    session.flash('success', i18n.t(`admin.tickets.${status === 'closed' ? 'closed' : 'reopened'}`))
    return response.redirect().toRoute('admin.tickets.show', { id: ticket.id })
  }
}
