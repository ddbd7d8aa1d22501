import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import Customer from '#models/customer'

export default class InvoiceRunItem extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare invoiceRunId: number

  @column()
  declare customerId: number

  @column()
  declare status: 'pending' | 'done' | 'skipped' | 'failed'

  @column()
  declare attempts: number

  @column()
  declare lastError: string | null

  @column()
  declare invoiceId: number | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  @belongsTo(() => Customer)
  declare customer: BelongsTo<typeof Customer>
}
