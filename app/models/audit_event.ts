import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

/** Who did what, when, to whom. */
export default class AuditEvent extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare actorType: 'user' | 'staff' | 'system' | 'anonymous'

  @column()
  declare actorId: number | null

  @column()
  declare subjectUserId: number | null

  @column()
  declare action: string

  @column()
  declare ip: string | null

  @column()
  declare userAgent: string | null

  @column({
    prepare: (value: Record<string, unknown> | null) => (value ? JSON.stringify(value) : null),
    consume: (value: string | null) => (value ? JSON.parse(value) : null),
  })
  declare meta: Record<string, unknown> | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime
}
