import { DateTime } from 'luxon'
import { BaseModel, column, hasMany } from '@adonisjs/lucid/orm'
import type { HasMany } from '@adonisjs/lucid/types/relations'
import TicketMessage from '#models/ticket_message'

export const TICKET_CATEGORIES = [
  'account_locked',
  'registration',
  'invoice',
  'master_data',
  'other',
] as const
/**
 * open („Offen“), answered („Wartet auf Kunde“: support replied), closed („Gelöst“).
 * A merchant's reply moves answered or closed back to open (ADR 1701).
 */
export const TICKET_STATUSES = ['open', 'answered', 'closed'] as const

/** A contact-form request. Its text is untrusted and always rendered escaped. */
export default class Ticket extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare reference: string | null

  @column()
  declare userId: number | null

  @column()
  declare name: string

  @column()
  declare email: string

  @column()
  declare customerNumber: string | null

  @column()
  declare category: (typeof TICKET_CATEGORIES)[number]

  @column()
  declare status: (typeof TICKET_STATUSES)[number]

  @column()
  declare locale: string

  @column.dateTime()
  declare lastMessageAt: DateTime

  /** The customer a portal request is about (set from the user's own links only). */
  @column()
  declare customerId: number | null

  /** The agent working on it. */
  @column()
  declare assignedStaffId: number | null

  /** Secret part of the ticket's reply address (`#services/tickets/reply_address`). */
  @column({ serializeAs: null })
  declare replyToken: string | null

  /** contact (the public form) | portal (a logged-in merchant) */
  @column()
  declare source: 'contact' | 'portal'

  /** The merchant's newest message: the agents' ageing. */
  @column.dateTime()
  declare lastRequesterMessageAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  @hasMany(() => TicketMessage)
  declare messages: HasMany<typeof TicketMessage>
}
