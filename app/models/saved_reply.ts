import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

/** A Textbaustein: a saved reply agents insert into an answer, per language. */
export default class SavedReply extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare title: string

  /** de | en */
  @column()
  declare locale: string

  @column()
  declare body: string

  @column()
  declare createdByStaffId: number | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime
}
