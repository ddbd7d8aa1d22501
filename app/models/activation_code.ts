import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import Customer from '#models/customer'

/**
 * A one-time activation code of a customer (REGISTRATION_PROOF=code): only its
 * hash is stored; it proves the customer once, until `expiresAt`.
 */
export default class ActivationCode extends BaseModel {
  static table = 'activation_codes'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare customerId: number

  @column({ serializeAs: null })
  declare codeHash: string

  @column.dateTime()
  declare expiresAt: DateTime

  @column.dateTime()
  declare usedAt: DateTime | null

  @column()
  declare usedByUserId: number | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @belongsTo(() => Customer)
  declare customer: BelongsTo<typeof Customer>
}
