import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  protected tableName = 'staff_users'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.increments('id')
      table.string('email', 254).notNullable().unique()
      table.string('full_name', 120).notNullable()
      /* agent | admin */
      table.string('role', 10).notNullable().defaultTo('agent')
      table.string('password', 255).notNullable()
      /* active | locked | disabled */
      table.string('state', 12).notNullable().defaultTo('active')
      table.integer('failed_login_count').notNullable().defaultTo(0)
      table.dateTime('locked_at').nullable()
      /* TOTP secret, encrypted with APP_KEY */
      table.text('totp_secret').nullable()
      table.dateTime('totp_enabled_at').nullable()
      /* JSON list of hashed one-time recovery codes */
      table.text('recovery_codes').nullable()
      table.dateTime('last_login_at').nullable()
      table.dateTime('created_at').notNullable()
      table.dateTime('updated_at').notNullable()
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
