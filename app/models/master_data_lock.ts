import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

/**
 * A master-data field an approved change request set. The customer import keeps
 * it and reports a conflict while the file still has another value; once the file
 * carries the same value the lock is released (docs/import.md).
 */
export default class MasterDataLock extends BaseModel {
  static table = 'master_data_locks'

  @column({ isPrimary: true })
  declare customerId: number

  @column({ isPrimary: true })
  declare field: string

  @column()
  declare value: string | null

  @column()
  declare changeRequestId: number

  @column.dateTime()
  declare appliedAt: DateTime
}
