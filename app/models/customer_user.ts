import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

/** The link between a user and a customer, with how it was proven. */
export default class CustomerUser extends BaseModel {
  static table = 'customer_user'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare userId: number

  @column()
  declare customerId: number

  @column()
  declare role: 'owner' | 'member'

  @column()
  declare provenBy: 'registration' | 'terminal_id' | 'support'

  @column()
  declare proofTerminalId: string | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime
}
