import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  protected tableName = 'customers'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.increments('id')
      table.string('customer_number', 20).notNullable().unique()
      table.string('company_name', 200).notNullable()
      table.string('street', 200).notNullable().defaultTo('')
      table.string('postal_code', 10).notNullable().defaultTo('')
      table.string('city', 100).notNullable().defaultTo('')
      table.string('country', 2).notNullable().defaultTo('DE')
      table.string('email', 254).nullable()
      table.string('phone', 40).nullable()
      table.string('vat_id', 20).nullable()
      table.string('iban', 34).nullable()
      table.dateTime('created_at').notNullable()
      table.dateTime('updated_at').notNullable()
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
