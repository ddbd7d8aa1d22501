import { randomBytes } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { inboundReplyAddress, inboundSmtp } from '#config/portal'
import type Ticket from '#models/ticket'

/*
| A ticket's reply address (docs/inbound.md): `antwort+t-2026-000123.<token>@<domain>`
| of `INBOUND_REPLY_ADDRESS`. The token is 26 random base-32 characters (130 bits)
| stored with the ticket: an address cannot be guessed from the reference, and a
| forged or changed one names no ticket. Only the inbound listener reads it back.
*/

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567'

function newToken() {
  const bytes = randomBytes(26)
  let token = ''
  for (const byte of bytes) token += ALPHABET[byte & 31]
  return token
}

function parts(address = inboundReplyAddress) {
  const at = address.lastIndexOf('@')
  return { local: address.slice(0, at).toLowerCase(), domain: address.slice(at + 1).toLowerCase() }
}

/** The ticket's reply address; gives the ticket its token the first time. */
export async function replyAddressOf(ticket: Ticket) {
  if (!ticket.replyToken) {
    const token = newToken()
    /* only if still empty: two agents replying at once end with one token */
    await db
      .from('tickets')
      .where('id', ticket.id)
      .whereNull('reply_token')
      .update({ reply_token: token })
    const row = await db.from('tickets').where('id', ticket.id).select('reply_token').first()
    ticket.replyToken = row.reply_token
  }
  const { local, domain } = parts()
  return `${local}+${ticket.reference!.toLowerCase()}.${ticket.replyToken}@${domain}`
}

/** What a recipient address names: a ticket, and whether its address has expired. */
export type AddressedTicket = { id: number; expired: boolean }

/**
 * The ticket a recipient address stands for, or null: the address must be on the
 * reply domain, carry the configured local part, a reference and the token stored
 * with that very ticket. It has expired when the ticket's last message (either
 * side's) is older than `inboundSmtp.replyAddressDays`: an address found in an
 * old mail no longer writes into the ticket.
 */
export async function ticketForAddress(address: string): Promise<AddressedTicket | null> {
  const { local, domain } = parts()
  const match = /^([^@+\s]+)\+(t-\d{4}-\d{6})\.([a-z2-7]{26})@([^@\s]+)$/.exec(
    address.trim().toLowerCase()
  )
  if (!match || match[1] !== local || match[4] !== domain) return null
  const row = await db
    .from('tickets')
    .where('reply_token', match[3])
    .select('id', 'reference', 'last_message_at')
    .first()
  if (!row || String(row.reference).toLowerCase() !== match[2]) return null
  const lastMessage =
    row.last_message_at instanceof Date
      ? DateTime.fromJSDate(row.last_message_at)
      : DateTime.fromSQL(String(row.last_message_at))
  const expired = lastMessage < DateTime.now().minus({ days: inboundSmtp.replyAddressDays })
  return { id: Number(row.id), expired }
}
