import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import Customer from '#models/customer'

export const DOCUMENT_KINDS = ['contract', 'price_list', 'notice', 'other'] as const
export type DocumentKind = (typeof DOCUMENT_KINDS)[number]

/**
 * A contract, price list or notice for one customer („Dokumente“, docs/documents.md).
 * Written once, never changed: the row has no `updated_at` and nothing updates it.
 */
export default class Document extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare customerId: number

  @column()
  declare title: string

  @column()
  declare kind: DocumentKind

  @column({ serializeAs: null })
  declare filePath: string

  @column({ consume: (value: number | string) => Number(value) })
  declare size: number

  @column({ columnName: 'sha256' })
  declare sha256: string

  @column()
  declare originalFilename: string

  @column()
  declare uploadedByStaffId: number | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @belongsTo(() => Customer)
  declare customer: BelongsTo<typeof Customer>
}
