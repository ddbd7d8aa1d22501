import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * An owner can require two-factor sign-in for everyone on a customer: a linked user
 * without TOTP then sees nothing of that customer (CustomerScope) until they enrol.
 */
export default class extends BaseSchema {
  protected tableName = 'customers'

  async up() {
    this.schema.alterTable(this.tableName, (table) => {
      table.boolean('require_two_factor').notNullable().defaultTo(false)
    })
  }

  async down() {
    if (this.db.dialect.name.includes('sqlite')) {
      /* in place, not knex's table rebuild (see 0800) */
      this.schema.raw('ALTER TABLE customers DROP COLUMN require_two_factor')
      return
    }
    this.schema.alterTable(this.tableName, (table) => {
      table.dropColumn('require_two_factor')
    })
  }
}
