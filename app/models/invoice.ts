import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column, hasMany } from '@adonisjs/lucid/orm'
import type { BelongsTo, HasMany } from '@adonisjs/lucid/types/relations'
import Customer from '#models/customer'
import InvoiceLine from '#models/invoice_line'

/** A monthly invoice. Once issued, neither the row's money nor its file change (GoBD). */
export default class Invoice extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare customerId: number

  @column()
  declare number: string | null

  @column()
  declare kind: 'invoice' | 'cancellation'

  @column()
  declare period: string

  @column()
  declare periodKey: string | null

  @column.date()
  declare periodStart: DateTime

  @column.date()
  declare periodEnd: DateTime

  @column.date()
  declare issueDate: DateTime | null

  @column.date()
  declare dueDate: DateTime | null

  @column()
  declare netMinor: number

  @column()
  declare vatMinor: number

  @column()
  declare grossMinor: number

  @column()
  declare vatRateBp: number

  @column()
  declare currency: string

  @column()
  declare status: 'draft' | 'issued' | 'cancelled'

  @column({ serializeAs: null })
  declare filePath: string | null

  @column({ columnName: 'file_sha256' })
  declare fileSha256: string | null

  @column({ serializeAs: null })
  declare xmlPath: string | null

  @column({ columnName: 'xml_sha256' })
  declare xmlSha256: string | null

  @column()
  declare cancelsInvoiceId: number | null

  @column.dateTime()
  declare issuedAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  @belongsTo(() => Customer)
  declare customer: BelongsTo<typeof Customer>

  @hasMany(() => InvoiceLine)
  declare lines: HasMany<typeof InvoiceLine>
}
