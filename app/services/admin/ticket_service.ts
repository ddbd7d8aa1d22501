import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import mail from '@adonisjs/mail/services/main'
import Ticket, { TICKET_CATEGORIES, TICKET_STATUSES } from '#models/ticket'
import TicketMessage from '#models/ticket_message'
import User from '#models/user'
import Customer from '#models/customer'
import TicketReplyMail from '#mails/ticket_reply_mail'
import SavedReply from '#models/saved_reply'
import StaffUser from '#models/staff_user'
import { replyAddressOf } from '#services/tickets/reply_address'
import {
  openTicket,
  publicMessages,
  ticketReference,
  type NewTicket,
} from '#services/tickets/conversation'
import { AuditService } from '#services/audit/audit_service'
import { maskPans } from '#services/security/card_number_guard'
import { Like } from '#services/database/like'

/* Web forms arrive masked (BodyParserMiddleware); this keeps every other caller to the rule. */
const masked = (text: string) => maskPans(text).text

export { ticketReference }

/** A ticket from the public contact form. */
export type NewContactTicket = Omit<NewTicket, 'source'>

/*
| Tickets opened by the contact form and answered by support. The texts are
| untrusted: stored as typed, always rendered escaped.
*/
export const TicketService = {
  /** Opens a ticket from the contact form (see `openTicket`). */
  open(data: NewContactTicket) {
    return openTicket({ ...data, source: 'contact' })
  },

  /**
   * The list for agents: by status, category, assignee and a search term (reference,
   * e-mail, customer number or text of any message); oldest first, or longest waiting
   * for the merchant's last message first.
   */
  async list(filters: TicketFilters, staffId: number) {
    const query = Ticket.query()
    const byStatus =
      filters.status && (TICKET_STATUSES as readonly string[]).includes(filters.status)
    if (byStatus) query.where('status', filters.status!)
    if (filters.category && (TICKET_CATEGORIES as readonly string[]).includes(filters.category)) {
      query.where('category', filters.category)
    }
    if (filters.assignee === 'me') query.where('assigned_staff_id', staffId)
    else if (filters.assignee === 'none') query.whereNull('assigned_staff_id')
    else if (filters.assignee) query.where('assigned_staff_id', Number(filters.assignee))
    searchTickets(query, filters.q ?? '')
    if (filters.sort === 'waiting') {
      query.orderByRaw('COALESCE(last_requester_message_at, created_at) ASC')
    } else if (!byStatus) {
      /* one status: the (status, created_at) index serves the order; all: open first */
      query.orderByRaw("CASE status WHEN 'open' THEN 0 WHEN 'answered' THEN 1 ELSE 2 END")
    }
    query.orderBy('created_at', 'asc').orderBy('id', 'asc')
    const page = await query.paginate(Math.max(1, filters.page ?? 1), 25)
    const staffNames = await namesOf(page.all().map((t) => t.assignedStaffId))
    return { page, staffNames }
  },

  /** Active staff accounts, for the assignment select and the list filter. */
  async agents() {
    return StaffUser.query().where('state', 'active').orderBy('full_name', 'asc')
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
    const staffNames = await namesOf([
      ...ticket.messages.map((m) => m.staffUserId),
      ticket.assignedStaffId,
    ])
    /* a merchant message by another portal user than the requester (an owner, by mail) */
    const authorIds = [
      ...new Set(
        ticket.messages.map((m) => m.userId).filter((userId): userId is number => !!userId)
      ),
    ]
    const authors = authorIds.length
      ? await User.query().whereIn('id', authorIds).select('id', 'full_name', 'email')
      : []
    const authorNames = Object.fromEntries(
      authors.map((author) => [author.id, author.fullName?.trim() || author.email])
    )
    const savedReplies = await SavedReply.query()
      .where('locale', ticket.locale === 'en' ? 'en' : 'de')
      .orderBy('title', 'asc')
    return { ticket, user, customer, staffNames, authorNames, savedReplies }
  },

  /**
   * Support's answer: stored, mailed to the requester through the queue with the
   * ticket's reply address as Reply-To; the ticket waits for the customer. The mail
   * quotes the merchant's first public message, never an internal note.
   */
  async reply(ticket: Ticket, staff: StaffUser, text: string) {
    const body = masked(text)
    const first = await publicMessages(ticket.id).where('author_type', 'requester').first()
    const replyTo = await replyAddressOf(ticket)
    await db.transaction(async (trx) => {
      await TicketMessage.create(
        {
          ticketId: ticket.id,
          authorType: 'staff',
          staffUserId: staff.id,
          body,
          internal: false,
          channel: 'staff',
        },
        { client: trx }
      )
      ticket.status = 'answered'
      ticket.lastMessageAt = DateTime.now()
      await ticket.useTransaction(trx).save()
      /* queued before the commit: if queueing fails the answer is not stored as sent (the
         agent sends it again, once), rather than waiting for a customer who never got it */
      await mail.sendLater(
        new TicketReplyMail(
          ticket.email,
          ticket.locale,
          {
            id: ticket.id,
            reference: ticket.reference!,
            name: ticket.name,
            originalMessage: first?.body ?? '',
            replyTo,
            inPortal: ticket.userId !== null,
          },
          body
        )
      )
    })
    await AuditService.record({
      action: 'ticket.replied',
      actor: { type: 'staff', id: staff.id },
      subjectUserId: ticket.userId,
      meta: { reference: ticket.reference },
    })
  },

  /** An agent's internal note: stored for agents only, never mailed, never shown to the merchant. */
  async addNote(ticket: Ticket, staff: StaffUser, text: string) {
    await TicketMessage.create({
      ticketId: ticket.id,
      authorType: 'staff',
      staffUserId: staff.id,
      body: masked(text),
      internal: true,
      channel: 'staff',
    })
    await AuditService.record({
      action: 'ticket.note_added',
      actor: { type: 'staff', id: staff.id },
      subjectUserId: ticket.userId,
      meta: { reference: ticket.reference },
    })
  },

  /** Offen, Wartet auf Kunde or Gelöst; false when it already was. */
  async setStatus(ticket: Ticket, status: (typeof TICKET_STATUSES)[number], staff: StaffUser) {
    if (ticket.status === status) return false
    const from = ticket.status
    ticket.status = status
    await ticket.save()
    await AuditService.record({
      action: STATUS_ACTIONS[status],
      actor: { type: 'staff', id: staff.id },
      subjectUserId: ticket.userId,
      meta: { reference: ticket.reference, from, to: status },
    })
    return true
  },

  /**
   * Gives the ticket to an active agent ('me' is the acting one, '' nobody). An
   * unknown or inactive staff id is a value the caller answers, not an error.
   */
  async assign(ticket: Ticket, assignee: string, staff: StaffUser) {
    let staffId: number | null = null
    if (assignee === 'me') staffId = staff.id
    else if (assignee) {
      const target = await StaffUser.query()
        .where('id', Number(assignee))
        .where('state', 'active')
        .first()
      if (!target) return 'unknown_agent' as const
      staffId = target.id
    }
    if (ticket.assignedStaffId === staffId) return 'unchanged' as const
    const from = ticket.assignedStaffId
    ticket.assignedStaffId = staffId
    await ticket.save()
    await AuditService.record({
      action: staffId ? 'ticket.assigned' : 'ticket.unassigned',
      actor: { type: 'staff', id: staff.id },
      subjectUserId: ticket.userId,
      meta: { reference: ticket.reference, from, to: staffId },
    })
    return 'assigned' as const
  },
}

export type TicketFilters = {
  status?: string
  category?: string
  /** 'me', 'none' or a staff id */
  assignee?: string
  q?: string
  sort?: string
  page?: number
}

/* `ticket.closed`/`ticket.reopened` as before, so the audit log reads the same */
const STATUS_ACTIONS = {
  open: 'ticket.reopened',
  answered: 'ticket.waiting',
  closed: 'ticket.closed',
} as const

/*
 * One access path by what the term looks like: a reference, an e-mail address, a
 * customer number (or text that looks like one); anything else is text in the
 * requester's name or any message (LIKE: fine at our sizes, both databases).
 */
function searchTickets(query: ReturnType<typeof Ticket.query>, raw: string) {
  const term = raw.trim()
  if (!term) return
  if (/^T-\d{4}-\d{6}$/i.test(term)) {
    query.where('reference', term.toUpperCase())
    return
  }
  if (term.includes('@')) {
    query.whereRaw('LOWER(email) = ?', [term.toLowerCase()])
    return
  }
  const like = Like.containing(term)
  const number = term.toUpperCase().replace(/\s+/g, '')
  const looksLikeNumber = /^[A-Z]*\d[A-Z0-9-]{2,19}$/.test(number)
  query.where((where) => {
    if (looksLikeNumber) {
      where.where('customer_number', number).orWhereIn('customer_id', (customers) => {
        customers.from('customers').where('customer_number', number).select('id')
      })
    }
    where.orWhereIn('id', (messages) => {
      Like.where(messages.from('ticket_messages'), 'body', like).select('ticket_id')
    })
    Like.orWhere(where, 'name', like)
  })
}

/** Staff names by id (for assignees and message authors). */
async function namesOf(ids: (number | null | undefined)[]) {
  const wanted = [...new Set(ids.filter((v): v is number => !!v))]
  const names = new Map<number, string>()
  if (!wanted.length) return names
  const rows = await db.from('staff_users').whereIn('id', wanted).select('id', 'full_name')
  for (const row of rows) names.set(row.id, row.full_name)
  return names
}

/**
 * How long the merchant has been waiting since their last message (the ticket's
 * creation when there is none yet), in the largest whole unit: „vor 3 Tagen“.
 */
export function ageOf(ticket: Ticket, now = DateTime.now()) {
  const since = ticket.lastRequesterMessageAt ?? ticket.createdAt
  const minutes = Math.max(0, Math.floor(now.diff(since, 'minutes').minutes))
  if (minutes < 60) return { unit: 'minutes' as const, count: minutes }
  if (minutes < 24 * 60) return { unit: 'hours' as const, count: Math.floor(minutes / 60) }
  return { unit: 'days' as const, count: Math.floor(minutes / (24 * 60)) }
}
