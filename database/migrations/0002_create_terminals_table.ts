import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  protected tableName = 'terminals'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.increments('id')
      table.string('terminal_id', 8).notNullable().unique()
      table.integer('customer_id').unsigned().notNullable().references('id').inTable('customers')
      table.string('model', 100).notNullable().defaultTo('')
      table.string('serial_number', 60).notNullable().defaultTo('')
      table.string('street', 200).notNullable().defaultTo('')
      table.string('postal_code', 10).notNullable().defaultTo('')
      table.string('city', 100).notNullable().defaultTo('')
      /* active | inactive | blocked | decommissioned */
      table.string('status', 20).notNullable().defaultTo('active')
      table.date('installed_at').nullable()
      /* monthly network fee, integer cents */
      table.integer('monthly_fee_minor').notNullable().defaultTo(0)
      table.dateTime('created_at').notNullable()
      table.dateTime('updated_at').notNullable()
      table.index(['customer_id'])
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
