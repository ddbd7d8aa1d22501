import { simpleParser, type ParsedMail } from 'mailparser'
import db from '@adonisjs/lucid/services/db'
import { visibleLinksOnly } from '#services/account/owner_links'
import Ticket from '#models/ticket'
import { ticketForAddress } from '#services/tickets/reply_address'
import { addRequesterMessage } from '#services/tickets/conversation'
import { replyText } from '#services/inbound/reply_text'

/*
| What the inbound listener does with one mail (docs/inbound.md): the recipients
| name the tickets, the sender must belong to the ticket, the text loses quoted
| history and signature and is stored as the merchant's message (card numbers
| masked, the ticket reopened). What cannot be attributed is refused with an SMTP
| error, so the sending mail server bounces it to the sender.
*/

/** An SMTP answer refusing the mail; `responseCode` is what smtp-server sends. */
export class InboundRejection extends Error {
  constructor(
    readonly responseCode: number,
    message: string,
    /** what the log says (never the mail's text) */
    readonly reason: string
  ) {
    super(message)
  }
}

export const REJECT = {
  unknownRecipient: () =>
    new InboundRejection(550, '5.1.1 No such reply address', 'unknown_recipient'),
  expiredRecipient: () =>
    new InboundRejection(
      550,
      '5.7.1 This reply address has expired: please write to us in the Kundenportal or through its contact form',
      'expired_recipient'
    ),
  unparsable: () => new InboundRejection(554, '5.6.0 Message could not be parsed', 'unparsable'),
  senderNotAllowed: () =>
    new InboundRejection(550, '5.7.1 Sender not allowed for this ticket', 'sender_not_allowed'),
  empty: () =>
    new InboundRejection(550, '5.6.0 Empty reply: no text above the quoted message', 'empty_reply'),
}

export type InboundResult =
  | { outcome: 'stored'; references: string[]; chars: number }
  | { outcome: 'ignored_auto_reply'; references: string[] }

/** The tickets the accepted recipients stand for (each once). */
export async function ticketsFor(recipients: string[]) {
  const ids = new Set<number>()
  for (const address of recipients) {
    const ticket = await ticketForAddress(address)
    if (ticket && !ticket.expired) ids.add(ticket.id)
  }
  return [...ids]
}

/**
 * Out-of-office notes, vacation replies, bounces and mailing list traffic: they
 * must not reopen a ticket (and would answer our next mail again: a loop).
 */
export function isAutomatic(mail: ParsedMail, envelopeFrom: string | null) {
  if (!envelopeFrom) return true
  const header = (name: string) =>
    String(mail.headers.get(name) ?? '')
      .toLowerCase()
      .trim()
  const autoSubmitted = header('auto-submitted')
  if (autoSubmitted && autoSubmitted !== 'no') return true
  if (['bulk', 'junk', 'list', 'auto_reply'].includes(header('precedence'))) return true
  if (mail.headers.has('x-autoreply') || mail.headers.has('x-autorespond')) return true
  return false
}

/**
 * Who may write into a ticket by mail: its portal user at the account's current
 * address (an address the merchant has since given up is no longer theirs), or
 * for a contact-form ticket the address it was opened with; and the owners of the
 * customer it is about (PRODUCT: a customer's requests are the owner's). Lower-cased.
 */
export async function allowedSenders(ticket: Ticket) {
  /* address → the portal user it belongs to (null: the contact form's requester) */
  const allowed = new Map<string, number | null>()
  const userIds: number[] = []
  if (ticket.userId) userIds.push(ticket.userId)
  else allowed.set(ticket.email.toLowerCase(), null)
  if (ticket.customerId) {
    /* active owners who can see the customer (the one two-factor rule, as in the portal) */
    const owners = await visibleLinksOnly(
      db.from('customer_user').join('users', 'users.id', 'customer_user.user_id')
    )
      .where('customer_user.customer_id', ticket.customerId)
      .where('customer_user.role', 'owner')
      .where('users.state', 'active')
      .select('customer_user.user_id')
    userIds.push(...owners.map((row) => Number(row.user_id)))
  }
  if (userIds.length) {
    const users = await db.from('users').whereIn('id', userIds).select('id', 'email')
    for (const user of users) allowed.set(String(user.email).toLowerCase(), Number(user.id))
  }
  return allowed
}

function senderAddresses(mail: ParsedMail) {
  const from = mail.from?.value ?? []
  return from.map((entry) => (entry.address ?? '').trim().toLowerCase()).filter(Boolean)
}

/**
 * Stores one received mail in the tickets its recipients name, or throws an
 * InboundRejection. `raw` is the whole message as received (within the size
 * limit); `envelopeFrom` is the MAIL FROM address (null for the null sender <>).
 */
export async function receiveMail(
  raw: Buffer,
  envelope: { recipients: string[]; envelopeFrom: string | null }
): Promise<InboundResult> {
  const ticketIds = await ticketsFor(envelope.recipients)
  if (!ticketIds.length) throw REJECT.unknownRecipient()
  const tickets = await Ticket.query().whereIn('id', ticketIds).orderBy('id')
  if (!tickets.length) throw REJECT.unknownRecipient()

  let mail: ParsedMail
  try {
    mail = await simpleParser(raw, { skipImageLinks: true, skipTextLinks: true })
  } catch {
    throw REJECT.unparsable()
  }
  const references = tickets.map((ticket) => ticket.reference ?? `#${ticket.id}`)
  if (isAutomatic(mail, envelope.envelopeFrom)) {
    return { outcome: 'ignored_auto_reply', references }
  }

  const senders = senderAddresses(mail)
  /* each ticket with the portal user who wrote (shown as the author; null: the requester) */
  const targets: { ticket: Ticket; userId: number | null }[] = []
  for (const ticket of tickets) {
    const allowed = await allowedSenders(ticket)
    const sender = senders.find((address) => allowed.has(address))
    if (sender !== undefined) targets.push({ ticket, userId: allowed.get(sender) ?? null })
  }
  if (!targets.length) throw REJECT.senderNotAllowed()

  /* mailparser derives `text` from an HTML-only mail (html-to-text); HTML is never stored */
  const body = replyText(typeof mail.text === 'string' ? mail.text : '')
  if (!body) throw REJECT.empty()

  for (const { ticket, userId } of targets) {
    await addRequesterMessage(ticket.id, {
      body,
      channel: 'mail',
      userId,
      mailMessageId: mail.messageId ?? null,
    })
  }
  return {
    outcome: 'stored',
    references: targets.map(({ ticket }) => ticket.reference ?? `#${ticket.id}`),
    chars: body.length,
  }
}
