import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import mail from '@adonisjs/mail/services/main'
import Ticket, { type TICKET_CATEGORIES } from '#models/ticket'
import TicketMessage from '#models/ticket_message'
import TicketReceiptMail from '#mails/ticket_receipt_mail'
import { AuditService, type AuditActor } from '#services/audit/audit_service'
import { maskPans } from '#services/security/card_number_guard'

/** `T-2026-000123`: the year the ticket was opened and its id, zero-padded. */
export const ticketReference = (id: number, year: number) =>
  `T-${year}-${String(id).padStart(6, '0')}`

export type NewTicket = {
  name: string
  email: string
  customerNumber: string | null
  /** set only from the user's own links (a portal request), never from typed input */
  customerId?: number | null
  category: (typeof TICKET_CATEGORIES)[number]
  message: string
  userId: number | null
  locale: string
  /** contact: the public form; portal: a logged-in merchant */
  source: 'contact' | 'portal'
}

/**
 * Opens a ticket with its first message (both guarded against card numbers),
 * audits it and queues the receipt mail: one path for the contact form and for
 * „Meine Anfragen“.
 */
export async function openTicket(data: NewTicket) {
  const now = DateTime.now()
  const ticket = await db.transaction(async (trx) => {
    const created = await Ticket.create(
      {
        /* every text field: the form's blanks, removed by the validator, may have hidden one */
        name: maskPans(data.name).text,
        email: maskPans(data.email).text,
        customerId: data.customerId ?? null,
        customerNumber: data.customerNumber === null ? null : maskPans(data.customerNumber).text,
        category: data.category,
        status: 'open',
        locale: data.locale,
        userId: data.userId,
        source: data.source,
        lastMessageAt: now,
        lastRequesterMessageAt: now,
      },
      { client: trx }
    )
    created.reference = ticketReference(created.id, now.year)
    await created.useTransaction(trx).save()
    await TicketMessage.create(
      {
        ticketId: created.id,
        authorType: 'requester',
        body: maskPans(data.message).text,
        internal: false,
        channel: data.source,
        userId: data.userId,
      },
      { client: trx }
    )
    /* the receipt is queued before the commit: if queueing fails nothing is stored, and the
       writer's second try opens one ticket, not a second one without a receipt */
    await mail.sendLater(
      new TicketReceiptMail(created.email, created.locale, created.reference!, created.category)
    )
    return created
  })
  const actor: AuditActor = data.userId ? { type: 'user', id: data.userId } : { type: 'anonymous' }
  await AuditService.record({
    action: 'ticket.created',
    actor,
    subjectUserId: data.userId,
    meta: {
      reference: ticket.reference,
      category: ticket.category,
      source: data.source,
      ...(data.source === 'portal' ? { customerNumber: ticket.customerNumber } : {}),
    },
  })
  return ticket
}

/*
| The merchant's side of a conversation, shared by the portal („Meine Anfragen“)
| and the inbound mail listener: the text is guarded (card numbers masked), the
| message stored, and a ticket waiting for the merchant or solved opens again.
*/

export type RequesterMessage = {
  body: string
  channel: 'portal' | 'mail'
  /**
   * the portal user who wrote it: the one logged in, or for a mail the user whose
   * address it came from; null for a contact-form requester's mail
   */
  userId: number | null
  /** a mail's Message-ID: the same mail delivered again is not stored again */
  mailMessageId?: string | null
}

export async function addRequesterMessage(ticketId: number, message: RequesterMessage) {
  const body = maskPans(message.body).text
  const now = DateTime.now()
  const mailMessageId = message.mailMessageId ? message.mailMessageId.slice(0, 255) : null
  const outcome = await db.transaction(async (trx) => {
    const locked = await Ticket.query({ client: trx })
      .where('id', ticketId)
      .forUpdate()
      .firstOrFail()
    if (mailMessageId) {
      /* under the ticket's lock: a second delivery of the same mail waits, then finds the first */
      const stored = await trx
        .from('ticket_messages')
        .where('ticket_id', locked.id)
        .where('mail_message_id', mailMessageId)
        .forUpdate()
        .first()
      if (stored) return { ticket: locked, reopened: false, duplicate: true }
    }
    await TicketMessage.create(
      {
        ticketId: locked.id,
        authorType: 'requester',
        body,
        internal: false,
        channel: message.channel,
        userId: message.userId,
        mailMessageId,
      },
      { client: trx }
    )
    const wasWaiting = locked.status !== 'open'
    locked.status = 'open'
    locked.lastMessageAt = now
    locked.lastRequesterMessageAt = now
    await locked.useTransaction(trx).save()
    return { ticket: locked, reopened: wasWaiting, duplicate: false }
  })
  const { ticket, reopened } = outcome
  if (outcome.duplicate) return { ticket, reopened, duplicate: true }
  await AuditService.record({
    action: 'ticket.requester_replied',
    actor: message.userId ? { type: 'user', id: message.userId } : { type: 'anonymous' },
    subjectUserId: ticket.userId,
    meta: { reference: ticket.reference, channel: message.channel, reopened },
  })
  return { ticket, reopened, duplicate: false }
}

/** The messages a merchant may see: never internal notes. */
export function publicMessages(ticketId: number) {
  return TicketMessage.query()
    .where('ticket_id', ticketId)
    .where('internal', false)
    .orderBy('id', 'asc')
}
