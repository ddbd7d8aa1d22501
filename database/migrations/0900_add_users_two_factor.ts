import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * Optional TOTP for merchant users, stored as for staff (0007): the secret
 * encrypted with APP_KEY, when it was switched on, and a JSON list of hashed
 * one-time recovery codes.
 */
const COLUMNS = ['totp_secret', 'totp_enabled_at', 'recovery_codes'] as const

export default class extends BaseSchema {
  protected tableName = 'users'

  async up() {
    this.schema.alterTable(this.tableName, (table) => {
      table.text('totp_secret').nullable()
      table.dateTime('totp_enabled_at').nullable()
      table.text('recovery_codes').nullable()
    })
  }

  async down() {
    if (this.db.dialect.name.includes('sqlite')) {
      /* in place, not knex's table rebuild (see 0800) */
      for (const column of COLUMNS) this.schema.raw(`ALTER TABLE users DROP COLUMN ${column}`)
      return
    }
    this.schema.alterTable(this.tableName, (table) => {
      table.dropColumns(...COLUMNS)
    })
  }
}
