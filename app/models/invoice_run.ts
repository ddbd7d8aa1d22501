import { DateTime } from 'luxon'
import { BaseModel, column, hasMany } from '@adonisjs/lucid/orm'
import type { HasMany } from '@adonisjs/lucid/types/relations'
import InvoiceRunItem from '#models/invoice_run_item'

export default class InvoiceRun extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare period: string

  @column()
  declare status: 'running' | 'completed' | 'completed_with_failures'

  @column()
  declare customersTotal: number

  @column()
  declare triggeredBy: string

  @column.dateTime()
  declare startedAt: DateTime

  @column.dateTime()
  declare finishedAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  @hasMany(() => InvoiceRunItem)
  declare items: HasMany<typeof InvoiceRunItem>
}
