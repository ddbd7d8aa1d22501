import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

/** What a user may see and do of a customer (PRODUCT „Access model“). */
export const CUSTOMER_ROLES = ['owner', 'accountant', 'viewer'] as const
export type CustomerRole = (typeof CUSTOMER_ROLES)[number]

/** The link between a user and a customer (access, with a role), with how it was proven. */
export default class CustomerUser extends BaseModel {
  static table = 'customer_user'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare userId: number

  @column()
  declare customerId: number

  @column()
  declare role: CustomerRole

  @column()
  declare provenBy: 'registration' | 'terminal_id' | 'support' | 'invitation'

  @column()
  declare proofTerminalId: string | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime
}
