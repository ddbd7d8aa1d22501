import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column, hasMany, manyToMany } from '@adonisjs/lucid/orm'
import type { BelongsTo, HasMany, ManyToMany } from '@adonisjs/lucid/types/relations'
import Terminal from '#models/terminal'
import ClosingTotal from '#models/closing_total'
import Payout from '#models/payout'

const toNumber = (value: unknown) => Number(value)

/** A terminal's Kassenschnitt (docs/money.md). Amounts in cents. */
export default class Closing extends BaseModel {
  @column({ isPrimary: true, consume: toNumber })
  declare id: number

  @column()
  declare customerId: number

  @column()
  declare terminalId: number

  @column()
  declare closingNumber: number

  @column.dateTime()
  declare closedAt: DateTime

  @column({ consume: (value) => Boolean(value) })
  declare automatic: boolean

  @column.date()
  declare businessDate: DateTime

  @column()
  declare reportedCount: number

  @column({ consume: toNumber })
  declare reportedNetMinor: number

  @column({ consume: toNumber })
  declare girocardNetMinor: number

  @column({ consume: toNumber })
  declare schemeNetMinor: number

  @column()
  declare linkedCount: number

  @column({ consume: toNumber })
  declare linkedNetMinor: number

  /** reported − linked */
  @column({ consume: toNumber })
  declare differenceMinor: number

  @column({ consume: (value) => Boolean(value) })
  declare hasDifference: boolean

  @column.date()
  declare girocardExpectedOn: DateTime

  @column.date()
  declare schemeExpectedOn: DateTime

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @belongsTo(() => Terminal)
  declare terminal: BelongsTo<typeof Terminal>

  @hasMany(() => ClosingTotal)
  declare totals: HasMany<typeof ClosingTotal>

  @manyToMany(() => Payout, { pivotTable: 'payout_closings' })
  declare payouts: ManyToMany<typeof Payout>
}
