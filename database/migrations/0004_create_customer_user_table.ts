import { BaseSchema } from '@adonisjs/lucid/schema'

/* The user ↔ customer link, with the user's role and how the link was proven. */
export default class extends BaseSchema {
  protected tableName = 'customer_user'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.increments('id')
      table
        .integer('user_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('users')
        .onDelete('CASCADE')
      table.integer('customer_id').unsigned().notNullable().references('id').inTable('customers')
      /* owner | member */
      table.string('role', 16).notNullable().defaultTo('owner')
      /* registration | terminal_id | support */
      table.string('proven_by', 16).notNullable()
      table.string('proof_terminal_id', 8).nullable()
      table.dateTime('created_at').notNullable()
      table.unique(['user_id', 'customer_id'])
      table.index(['customer_id'])
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
