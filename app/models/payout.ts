import { DateTime } from 'luxon'
import { BaseModel, column, hasMany, manyToMany } from '@adonisjs/lucid/orm'
import type { HasMany, ManyToMany } from '@adonisjs/lucid/types/relations'
import Closing from '#models/closing'
import PayoutFee from '#models/payout_fee'

const toNumber = (value: unknown) => Number(value)

export type PayoutStatus = 'expected' | 'paid' | 'returned'

/** A credit (Gutschrift) to the merchant's bank account (docs/money.md). Amounts in cents. */
export default class Payout extends BaseModel {
  @column({ isPrimary: true, consume: toNumber })
  declare id: number

  @column()
  declare customerId: number

  @column()
  declare reference: string

  @column.date()
  declare valueDate: DateTime

  @column()
  declare currency: string

  /** all | girocard | schemes: which part of the covered closings it credits */
  @column()
  declare kind: 'all' | 'girocard' | 'schemes'

  @column({ consume: toNumber })
  declare grossMinor: number

  @column({ consume: toNumber })
  declare feesMinor: number

  @column({ consume: toNumber })
  declare netMinor: number

  @column({ columnName: 'iban_last4' })
  declare ibanLast4: string | null

  @column()
  declare status: PayoutStatus

  @column({ consume: (value) => (value === null ? null : Number(value)) })
  declare expectedGrossMinor: number | null

  /** gross − expected gross */
  @column({ consume: toNumber })
  declare differenceMinor: number

  @column({ consume: (value) => Boolean(value) })
  declare hasDifference: boolean

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  @manyToMany(() => Closing, { pivotTable: 'payout_closings' })
  declare closings: ManyToMany<typeof Closing>

  @hasMany(() => PayoutFee)
  declare fees: HasMany<typeof PayoutFee>
}
