import { BaseSchema } from '@adonisjs/lucid/schema'

/*
| Invoices (GoBD: an issued invoice and its file never change; a correction is
| a cancellation invoice referencing the original). The unique key
| (customer_id, period_key) allows exactly one regular invoice per customer and
| period; cancellations leave period_key NULL.
*/
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('invoice_runs', (table) => {
      table.increments('id')
      table.string('period', 7).notNullable().unique()
      /* running | completed | completed_with_failures */
      table.string('status', 24).notNullable().defaultTo('running')
      table.integer('customers_total').notNullable().defaultTo(0)
      table.string('triggered_by', 60).notNullable().defaultTo('scheduler')
      table.dateTime('started_at').notNullable()
      table.dateTime('finished_at').nullable()
      table.dateTime('created_at').notNullable()
      table.dateTime('updated_at').notNullable()
    })

    this.schema.createTable('invoice_number_sequences', (table) => {
      table.integer('year').notNullable().primary()
      table.integer('last_number').notNullable().defaultTo(0)
    })

    this.schema.createTable('invoices', (table) => {
      table.increments('id')
      table.integer('customer_id').unsigned().notNullable().references('id').inTable('customers')
      table.string('number', 20).nullable().unique()
      /* invoice | cancellation */
      table.string('kind', 12).notNullable().defaultTo('invoice')
      table.string('period', 7).notNullable()
      table.string('period_key', 7).nullable()
      table.date('period_start').notNullable()
      table.date('period_end').notNullable()
      table.date('issue_date').nullable()
      table.date('due_date').nullable()
      table.integer('net_minor').notNullable().defaultTo(0)
      table.integer('vat_minor').notNullable().defaultTo(0)
      table.integer('gross_minor').notNullable().defaultTo(0)
      table.integer('vat_rate_bp').notNullable().defaultTo(1900)
      table.string('currency', 3).notNullable().defaultTo('EUR')
      /* draft | issued | cancelled */
      table.string('status', 12).notNullable().defaultTo('draft')
      table.string('file_path', 255).nullable()
      table.string('file_sha256', 64).nullable()
      table.string('xml_path', 255).nullable()
      table.string('xml_sha256', 64).nullable()
      table.integer('cancels_invoice_id').unsigned().nullable().references('id').inTable('invoices')
      table.dateTime('issued_at').nullable()
      table.dateTime('created_at').notNullable()
      table.dateTime('updated_at').notNullable()
      table.unique(['customer_id', 'period_key'])
      table.index(['customer_id', 'period'])
    })

    /* one row per customer and run: what the admin page shows as done / failed / pending */
    this.schema.createTable('invoice_run_items', (table) => {
      table.increments('id')
      table
        .integer('invoice_run_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('invoice_runs')
      table.integer('customer_id').unsigned().notNullable().references('id').inTable('customers')
      /* pending | done | skipped | failed */
      table.string('status', 10).notNullable().defaultTo('pending')
      table.integer('attempts').notNullable().defaultTo(0)
      table.string('last_error', 500).nullable()
      table.integer('invoice_id').unsigned().nullable().references('id').inTable('invoices')
      table.dateTime('created_at').notNullable()
      table.dateTime('updated_at').notNullable()
      table.unique(['invoice_run_id', 'customer_id'])
    })

    this.schema.createTable('invoice_lines', (table) => {
      table.increments('id')
      table
        .integer('invoice_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('invoices')
        .onDelete('CASCADE')
      table.integer('position').notNullable()
      table.string('description', 255).notNullable()
      table.string('terminal_id', 8).nullable()
      table.string('card_brand', 12).nullable()
      table.integer('quantity').notNullable()
      /* unit price in hundredths of a cent, so per-transaction fees stay exact */
      table.bigInteger('unit_price_centi_minor').notNullable()
      table.integer('net_minor').notNullable()
    })
  }

  async down() {
    this.schema.dropTable('invoice_lines')
    this.schema.dropTable('invoice_run_items')
    this.schema.dropTable('invoices')
    this.schema.dropTable('invoice_number_sequences')
    this.schema.dropTable('invoice_runs')
  }
}
