import { BaseModel, column } from '@adonisjs/lucid/orm'

export default class InvoiceLine extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare invoiceId: number

  @column()
  declare position: number

  @column()
  declare description: string

  @column()
  declare terminalId: string | null

  @column()
  declare cardBrand: string | null

  @column()
  declare quantity: number

  /** Unit price in hundredths of a cent (1 € = 10,000). */
  @column()
  declare unitPriceCentiMinor: number

  @column()
  declare netMinor: number
}
