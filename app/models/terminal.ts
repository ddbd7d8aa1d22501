import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import Customer from '#models/customer'

export const TERMINAL_STATUSES = ['active', 'inactive', 'blocked', 'decommissioned'] as const

export default class Terminal extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  /** The 8-digit Terminal-ID (TID) printed on the device. */
  @column()
  declare terminalId: string

  @column()
  declare customerId: number

  @column()
  declare model: string

  @column()
  declare serialNumber: string

  @column()
  declare street: string

  @column()
  declare postalCode: string

  @column()
  declare city: string

  @column()
  declare status: (typeof TERMINAL_STATUSES)[number]

  @column.date()
  declare installedAt: DateTime | null

  @column()
  declare monthlyFeeMinor: number

  /** Time of its newest Kassenschnitt; null before the first one. */
  @column.dateTime()
  declare lastClosedAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  @belongsTo(() => Customer)
  declare customer: BelongsTo<typeof Customer>
}
