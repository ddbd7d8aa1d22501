import { BaseModel, column } from '@adonisjs/lucid/orm'
import type { CardBrand } from '#models/transaction'

const toNumber = (value: unknown) => Number(value)

/** One card brand of a closing: what the terminal reported and what the portal linked. */
export default class ClosingTotal extends BaseModel {
  static table = 'closing_totals'

  @column({ isPrimary: true, consume: toNumber })
  declare closingId: number

  @column({ isPrimary: true })
  declare cardBrand: CardBrand

  @column() declare reportedSalesCount: number
  @column({ consume: toNumber }) declare reportedSalesMinor: number
  @column() declare reportedRefundsCount: number
  @column({ consume: toNumber }) declare reportedRefundsMinor: number
  @column() declare reportedReversalsCount: number
  @column({ consume: toNumber }) declare reportedReversalsMinor: number
  @column() declare linkedSalesCount: number
  @column({ consume: toNumber }) declare linkedSalesMinor: number
  @column() declare linkedRefundsCount: number
  @column({ consume: toNumber }) declare linkedRefundsMinor: number
  @column() declare linkedReversalsCount: number
  @column({ consume: toNumber }) declare linkedReversalsMinor: number

  get reportedNetMinor() {
    return this.reportedSalesMinor - this.reportedRefundsMinor - this.reportedReversalsMinor
  }

  get linkedNetMinor() {
    return this.linkedSalesMinor - this.linkedRefundsMinor - this.linkedReversalsMinor
  }
}
