import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * A merchant's last login is the newest `login.succeeded` audit event (the admin
 * page lists the last five from there), so a successful login writes one row,
 * the audit event, instead of also updating the user (docs/adr/0300).
 */
export default class extends BaseSchema {
  protected tableName = 'users'

  async up() {
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
