import { BaseModel, column } from '@adonisjs/lucid/orm'
import type { CardBrand } from '#models/transaction'

/** One fee line of a payout, by brand (null: not tied to a brand) and kind. */
export default class PayoutFee extends BaseModel {
  @column({ isPrimary: true, consume: (value) => Number(value) })
  declare id: number

  @column({ consume: (value) => Number(value) })
  declare payoutId: number

  @column()
  declare cardBrand: CardBrand | null

  /** disagio | transaction | scheme | service | other */
  @column()
  declare kind: string

  @column({ consume: (value) => Number(value) })
  declare amountMinor: number
}
