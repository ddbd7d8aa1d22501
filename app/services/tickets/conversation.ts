import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import Ticket from '#models/ticket'
import TicketMessage from '#models/ticket_message'
import { AuditService } from '#services/audit/audit_service'
import { maskPans } from '#services/security/card_number_guard'

/*
| The merchant's side of a conversation, shared by the portal („Meine Anfragen“)
| and the inbound mail listener: the text is guarded (card numbers masked), the
| message stored, and a ticket waiting for the merchant or solved opens again.
*/

export type RequesterMessage = {
  body: string
  channel: 'portal' | 'mail'
  /** the portal user who wrote it; null for mail */
  userId: number | null
}

export async function addRequesterMessage(ticketId: number, message: RequesterMessage) {
  const body = maskPans(message.body).text
  const now = DateTime.now()
  const { ticket, reopened } = await db.transaction(async (trx) => {
    const locked = await Ticket.query({ client: trx })
      .where('id', ticketId)
      .forUpdate()
      .firstOrFail()
    await TicketMessage.create(
      {
        ticketId: locked.id,
        authorType: 'requester',
        body,
        internal: false,
        channel: message.channel,
        userId: message.userId,
      },
      { client: trx }
    )
    const wasWaiting = locked.status !== 'open'
    locked.status = 'open'
    locked.lastMessageAt = now
    locked.lastRequesterMessageAt = now
    await locked.useTransaction(trx).save()
    return { ticket: locked, reopened: wasWaiting }
  })
  await AuditService.record({
    action: 'ticket.requester_replied',
    actor: message.userId ? { type: 'user', id: message.userId } : { type: 'anonymous' },
    subjectUserId: ticket.userId,
    meta: { reference: ticket.reference, channel: message.channel, reopened },
  })
  return { ticket, reopened }
}

/** The messages a merchant may see: never internal notes. */
export function publicMessages(ticketId: number) {
  return TicketMessage.query()
    .where('ticket_id', ticketId)
    .where('internal', false)
    .orderBy('id', 'asc')
}
