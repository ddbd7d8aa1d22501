import { BaseSchema } from '@adonisjs/lucid/schema'

/*
| Reports by mail (issue 18 point 6, docs/reports.md):
| - `report_subscriptions`: a user wants a daily, weekly or monthly summary of one
|   linked customer (one row per user, customer and frequency);
| - `report_deliveries`: the guard that makes a report go out once per subscription
|   and period, whatever number of workers or scheduler runs; its row is inserted in
|   the transaction that queues the mail.
| Both tables are new, so their foreign keys drop with them on MariaDB and SQLite.
*/
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('report_subscriptions', (table) => {
      table.increments('id')
      table
        .integer('user_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('users')
        .onDelete('CASCADE')
      table
        .integer('customer_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('customers')
        .onDelete('CASCADE')
      table.string('frequency', 10).notNullable()
      table.dateTime('created_at').notNullable()
      table.unique(['user_id', 'customer_id', 'frequency'], {
        indexName: 'report_subscriptions_user_customer_frequency',
      })
      table.index(['frequency'], 'report_subscriptions_frequency')
    })

    this.schema.createTable('report_deliveries', (table) => {
      table.bigIncrements('id')
      table
        .integer('subscription_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('report_subscriptions')
        .onDelete('CASCADE')
      /* `day-2026-12-01`, `week-2026-W48`, `month-2026-11` */
      table.string('period', 20).notNullable()
      table.dateTime('created_at').notNullable()
      table.unique(['subscription_id', 'period'], {
        indexName: 'report_deliveries_subscription_period',
      })
    })
  }

  async down() {
    this.schema.dropTable('report_deliveries')
    this.schema.dropTable('report_subscriptions')
  }
}
