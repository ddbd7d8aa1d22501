import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

export const DATA_EXPORT_STATES = [
  'queued',
  'building',
  'ready',
  'downloaded',
  'failed',
  'expired',
] as const
export type DataExportState = (typeof DATA_EXPORT_STATES)[number]

/** One „Meine Daten herunterladen“ ZIP: its progress, file and single-use link (docs/privacy.md). */
export default class DataExport extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare userId: number

  @column()
  declare status: DataExportState

  /** 0–100 while building */
  @column()
  declare progress: number

  @column()
  declare locale: string

  /** relative to the export storage path */
  @column({ serializeAs: null })
  declare filePath: string | null

  @column({ consume: (value) => (value === null ? null : Number(value)) })
  declare fileSize: number | null

  /** SHA-256 of the link's token; the token itself is only in the mail */
  @column({ serializeAs: null })
  declare tokenHash: string | null

  @column.dateTime()
  declare expiresAt: DateTime | null

  @column.dateTime()
  declare readyAt: DateTime | null

  @column.dateTime()
  declare downloadedAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime
}
