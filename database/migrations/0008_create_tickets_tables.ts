import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  async up() {
    this.schema.createTable('tickets', (table) => {
      table.increments('id')
      table.string('reference', 20).nullable().unique()
      table
        .integer('user_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('users')
        .onDelete('SET NULL')
      table.string('name', 120).notNullable()
      table.string('email', 254).notNullable()
      table.string('customer_number', 20).nullable()
      /* account_locked | registration | invoice | master_data | other */
      table.string('category', 20).notNullable()
      /* open | answered | closed */
      table.string('status', 10).notNullable().defaultTo('open')
      table.string('locale', 5).notNullable().defaultTo('de')
      table.dateTime('last_message_at').notNullable()
      table.dateTime('created_at').notNullable()
      table.dateTime('updated_at').notNullable()
      table.index(['status', 'created_at'])
      table.index(['email'])
    })

    this.schema.createTable('ticket_messages', (table) => {
      table.increments('id')
      table
        .integer('ticket_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('tickets')
        .onDelete('CASCADE')
      /* requester | staff */
      table.string('author_type', 10).notNullable()
      table.integer('staff_user_id').unsigned().nullable().references('id').inTable('staff_users')
      table.text('body').notNullable()
      table.dateTime('created_at').notNullable()
      table.index(['ticket_id'])
    })
  }

  async down() {
    this.schema.dropTable('ticket_messages')
    this.schema.dropTable('tickets')
  }
}
