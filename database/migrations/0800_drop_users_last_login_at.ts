import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * A merchant's last login is the newest `login.succeeded` audit event (the admin
 * page lists the last five from there), so a successful login writes one row,
 * the audit event, instead of also updating the user (docs/adr/0300).
 */
export default class extends BaseSchema {
  protected tableName = 'users'

  async up() {
    if (this.db.dialect.name.includes('sqlite')) {
      /*
       * Not knex's dropColumn: on SQLite it rebuilds the table (copy, DROP TABLE, rename),
       * and inside the migration's transaction foreign keys stay on, so the DROP would
       * cascade to customer_user, tokens and tickets. SQLite drops a column in place.
       */
      this.schema.raw('ALTER TABLE users DROP COLUMN last_login_at')
      return
    }
    this.schema.alterTable(this.tableName, (table) => {
      table.dropColumn('last_login_at')
    })
  }

  async down() {
    this.schema.alterTable(this.tableName, (table) => {
      table.dateTime('last_login_at').nullable()
    })
  }
}
