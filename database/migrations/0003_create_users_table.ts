import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  protected tableName = 'users'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.increments('id')
      /* normalized: trimmed, lower case */
      table.string('email', 254).notNullable().unique()
      table.string('password', 255).notNullable()
      table.string('full_name', 120).nullable()
      table.string('phone', 40).nullable()
      table.string('locale', 5).notNullable().defaultTo('de')
      /* pending_verification | pending_approval | active | locked | disabled */
      table.string('state', 24).notNullable().defaultTo('pending_verification')
      /* failed_logins | by_support */
      table.string('lock_reason', 24).nullable()
      table.string('lock_note', 500).nullable()
      table.dateTime('locked_at').nullable()
      table.integer('failed_login_count').notNullable().defaultTo(0)
      table.dateTime('email_verified_at').nullable()
      table.dateTime('last_login_at').nullable()
      table.dateTime('password_changed_at').nullable()
      table.dateTime('created_at').notNullable()
      table.dateTime('updated_at').notNullable()
      table.index(['state'])
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
