import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

export type TokenPurpose = 'verify_email' | 'password_reset' | 'email_change'

/** A single-use token; only its SHA-256 is stored. */
export default class OneTimeToken extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare userId: number

  @column()
  declare purpose: TokenPurpose

  @column()
  declare tokenHash: string

  @column()
  declare payload: string | null

  @column.dateTime()
  declare expiresAt: DateTime

  @column.dateTime()
  declare usedAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime
}
