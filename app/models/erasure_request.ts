import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

/** Support's „Löschen auf Antrag“: requested by one staff member, approved by another. */
export default class ErasureRequest extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare userId: number

  @column()
  declare reason: string

  @column()
  declare status: 'pending' | 'done' | 'cancelled'

  @column()
  declare requestedByStaffId: number

  @column()
  declare approvedByStaffId: number | null

  @column({ consume: (value) => Boolean(value) })
  declare lastOwnerOverride: boolean

  @column.dateTime()
  declare decidedAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime
}
