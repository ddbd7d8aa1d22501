import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import mail from '@adonisjs/mail/services/main'
import Ticket, { TICKET_CATEGORIES, TICKET_STATUSES } from '#models/ticket'
import TicketMessage from '#models/ticket_message'
import User from '#models/user'
import Customer from '#models/customer'
import type StaffUser from '#models/staff_user'
import TicketReceiptMail from '#mails/ticket_receipt_mail'
import TicketReplyMail from '#mails/ticket_reply_mail'
import { AuditService, type AuditActor } from '#services/audit/audit_service'
import { maskPans } from '#services/security/card_number_guard'

/* Web forms arrive masked (BodyParserMiddleware); this keeps every other caller to the rule. */
const masked = (text: string) => maskPans(text).text

export type NewTicket = {
  name: string
  email: string
  customerNumber: string | null
  category: (typeof TICKET_CATEGORIES)[number]
  message: string
  userId: number | null
  locale: string
}

/** `T-2026-000123`: the year the ticket was opened and its id, zero-padded. */
export const ticketReference = (id: number, year: number) =>
  `T-${year}-${String(id).padStart(6, '0')}`

/*
| Tickets opened by the contact form and answered by support. The texts are
| untrusted: stored as typed, always rendered escaped.
*/
export const TicketService = {
  /** Opens a ticket with its first message and queues the receipt mail. */
  async open(data: NewTicket) {
    const now = DateTime.now()
    const ticket = await db.transaction(async (trx) => {
      const created = await Ticket.create(
        {
          name: masked(data.name),
          email: data.email,
          customerNumber: data.customerNumber,
          category: data.category,
          status: 'open',
          locale: data.locale,
          userId: data.userId,
          lastMessageAt: now,
        },
        { client: trx }
      )
      created.reference = ticketReference(created.id, now.year)
      await created.useTransaction(trx).save()
      await TicketMessage.create(
        { ticketId: created.id, authorType: 'requester', body: masked(data.message) },
        { client: trx }
      )
      return created
    })
    const actor: AuditActor = data.userId
      ? { type: 'user', id: data.userId }
      : { type: 'anonymous' }
    await AuditService.record({
      action: 'ticket.created',
      actor,
      subjectUserId: data.userId,
      meta: { reference: ticket.reference, category: ticket.category },
    })
    await mail.sendLater(
      new TicketReceiptMail(ticket.email, ticket.locale, ticket.reference!, ticket.category)
    )
    return ticket
  },

  /** The list for agents: by status and category, oldest first (open before the rest). */
  async list(filters: { status?: string; category?: string; page?: number }) {
    const query = Ticket.query()
    const byStatus =
      filters.status && (TICKET_STATUSES as readonly string[]).includes(filters.status)
    if (byStatus) query.where('status', filters.status!)
    if (filters.category && (TICKET_CATEGORIES as readonly string[]).includes(filters.category)) {
      query.where('category', filters.category)
    }
    /* one status: the (status, created_at) index serves the order; all: open first */
    if (!byStatus) {
      query.orderByRaw("CASE status WHEN 'open' THEN 0 WHEN 'answered' THEN 1 ELSE 2 END")
    }
    query.orderBy('created_at', 'asc').orderBy('id', 'asc')
    return query.paginate(Math.max(1, filters.page ?? 1), 25)
  },

  /** A ticket with its conversation and the merchant account its e-mail belongs to (or 404). */
  async detail(id: number) {
    const ticket = await Ticket.query()
      .where('id', id)
      .preload('messages', (messages) => messages.orderBy('id', 'asc'))
      .firstOrFail()
    const user = ticket.userId
      ? await User.find(ticket.userId)
      : await User.findBy('email', User.normalizeEmail(ticket.email))
    /* the Kundennummer is only what the requester typed: show the customer when it exists */
    const customer = ticket.customerNumber
      ? await Customer.findBy('customer_number', ticket.customerNumber)
      : null
    const staffIds = ticket.messages.map((m) => m.staffUserId).filter((v): v is number => !!v)
    const staffNames = new Map<number, string>()
    if (staffIds.length) {
      const rows = await db.from('staff_users').whereIn('id', staffIds).select('id', 'full_name')
      for (const row of rows) staffNames.set(row.id, row.full_name)
    }
    return { ticket, user, customer, staffNames }
  },

  /** Support's answer: stored, mailed to the requester through the queue, ticket „beantwortet“. */
  async reply(ticket: Ticket, staff: StaffUser, text: string) {
    const body = masked(text)
    const first = await TicketMessage.query()
      .where('ticket_id', ticket.id)
      .where('author_type', 'requester')
      .orderBy('id', 'asc')
      .first()
    await db.transaction(async (trx) => {
      await TicketMessage.create(
        { ticketId: ticket.id, authorType: 'staff', staffUserId: staff.id, body },
        { client: trx }
      )
      ticket.status = 'answered'
      ticket.lastMessageAt = DateTime.now()
      await ticket.useTransaction(trx).save()
    })
    await AuditService.record({
      action: 'ticket.replied',
      actor: { type: 'staff', id: staff.id },
      subjectUserId: ticket.userId,
      meta: { reference: ticket.reference },
    })
    await mail.sendLater(
      new TicketReplyMail(
        ticket.email,
        ticket.locale,
        { reference: ticket.reference!, name: ticket.name, originalMessage: first?.body ?? '' },
        body
      )
    )
  },

  /** Close or reopen. */
  async setStatus(ticket: Ticket, status: 'open' | 'closed', staff: StaffUser) {
    if (ticket.status === status) return false
    ticket.status = status
    await ticket.save()
    await AuditService.record({
      action: status === 'closed' ? 'ticket.closed' : 'ticket.reopened',
      actor: { type: 'staff', id: staff.id },
      subjectUserId: ticket.userId,
      meta: { reference: ticket.reference },
    })
    return true
  },
}
