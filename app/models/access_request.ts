import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import User from '#models/user'
import Customer from '#models/customer'
import type { CustomerRole } from '#models/customer_user'

export type AccessRequestStatus = 'pending' | 'approved' | 'denied'

/**
 * Someone proved a customer that already has an owner: no access until an owner
 * approves (a link in customer_user with the role chosen then) — denied leaves none.
 */
export default class AccessRequest extends BaseModel {
  static table = 'access_requests'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare userId: number

  @column()
  declare customerId: number

  @column()
  declare provenBy: 'registration' | 'terminal_id'

  @column()
  declare proofTerminalId: string | null

  @column()
  declare status: AccessRequestStatus

  @column()
  declare role: CustomerRole | null

  @column()
  declare decidedByUserId: number | null

  @column.dateTime()
  declare decidedAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @belongsTo(() => User)
  declare user: BelongsTo<typeof User>

  @belongsTo(() => Customer)
  declare customer: BelongsTo<typeof Customer>
}
