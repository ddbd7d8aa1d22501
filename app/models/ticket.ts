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

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  @hasMany(() => TicketMessage)
  declare messages: HasMany<typeof TicketMessage>
}
