import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

export default class TicketMessage extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare ticketId: number

  @column()
  declare authorType: 'requester' | 'staff'

  @column()
  declare staffUserId: number | null

  @column()
  declare body: string

  /** An agent's internal note: never on a merchant page or in a mail. */
  @column({ consume: (value) => Boolean(value) })
  declare internal: boolean

  /** contact | portal | mail | staff */
  @column()
  declare channel: 'contact' | 'portal' | 'mail' | 'staff'

  /** The merchant user who wrote it in the portal. */
  @column()
  declare userId: number | null

  /** A reply by mail: its Message-ID, so a mail delivered twice is stored once. */
  @column({ serializeAs: null })
  declare mailMessageId: string | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime
}
