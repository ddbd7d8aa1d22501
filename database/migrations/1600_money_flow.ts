import { BaseSchema } from '@adonisjs/lucid/schema'

/*
| The money flow (issue 16, docs/money.md): a terminal's Kassenschnitt (closing)
| submits its stored payments; payouts (Gutschriften) credit them to the
| merchant's bank account. Every amount is in integer cents (BIGINT: a year of a
| large merchant exceeds 2^31 cents).
|
| transactions.closing_id links a payment to the closing that submitted it. No
| foreign key on it: the link is set by one set-based UPDATE per closing on a
| table of millions of rows, and the (terminal_id, closing_id, occurred_at) index
| serves both that UPDATE ("this terminal's unclosed payments up to the closing's
| time") and the closing's own list.
*/
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('closings', (table) => {
      table.bigIncrements('id')
      table.integer('customer_id').unsigned().notNullable().references('id').inTable('customers')
      table.integer('terminal_id').unsigned().notNullable().references('id').inTable('terminals')
      table.integer('closing_number').unsigned().notNullable()
      table.dateTime('closed_at').notNullable()
      /* true: the terminal closed by itself (after 6 days), false: by hand */
      table.boolean('automatic').notNullable().defaultTo(false)
      /* the Berlin calendar day the closing counts for (after the cut-off: the next day) */
      table.date('business_date').notNullable()
      /* what the terminal reported: sales − refunds − reversals, all brands */
      table.integer('reported_count').unsigned().notNullable().defaultTo(0)
      table.bigInteger('reported_net_minor').notNullable().defaultTo(0)
      table.bigInteger('girocard_net_minor').notNullable().defaultTo(0)
      table.bigInteger('scheme_net_minor').notNullable().defaultTo(0)
      /* what the portal found: the approved payments the closing linked */
      table.integer('linked_count').unsigned().notNullable().defaultTo(0)
      table.bigInteger('linked_net_minor').notNullable().defaultTo(0)
      /* reported − linked; has_difference also when only a count differs */
      table.bigInteger('difference_minor').notNullable().defaultTo(0)
      table.boolean('has_difference').notNullable().defaultTo(false)
      table.date('girocard_expected_on').notNullable()
      table.date('scheme_expected_on').notNullable()
      table.dateTime('created_at').notNullable()
      table.unique(['terminal_id', 'closing_number'], { indexName: 'closings_terminal_number' })
      table.index(['customer_id', 'closed_at', 'id'], 'closings_customer_keyset')
      table.index(['terminal_id', 'closed_at'], 'closings_terminal_time')
      /* the alert job's scan for recent differences */
      table.index(['has_difference', 'closed_at'], 'closings_difference')
    })

    this.schema.createTable('closing_totals', (table) => {
      table.bigInteger('closing_id').unsigned().notNullable().references('id').inTable('closings')
      table.string('card_brand', 12).notNullable()
      for (const side of ['reported', 'linked']) {
        for (const kind of ['sales', 'refunds', 'reversals']) {
          table.integer(`${side}_${kind}_count`).unsigned().notNullable().defaultTo(0)
          table.bigInteger(`${side}_${kind}_minor`).notNullable().defaultTo(0)
        }
      }
      table.primary(['closing_id', 'card_brand'])
    })

    this.schema.createTable('payouts', (table) => {
      table.bigIncrements('id')
      table.integer('customer_id').unsigned().notNullable().references('id').inTable('customers')
      table.string('reference', 64).notNullable().unique()
      table.date('value_date').notNullable()
      table.string('currency', 3).notNullable().defaultTo('EUR')
      /* girocard | schemes | all: which part of the covered closings it credits */
      table.string('kind', 10).notNullable().defaultTo('all')
      table.bigInteger('gross_minor').notNullable()
      table.bigInteger('fees_minor').notNullable()
      table.bigInteger('net_minor').notNullable()
      table.string('iban_last4', 4).nullable()
      /* expected | paid | returned */
      table.string('status', 10).notNullable()
      /* the covered closings' amounts of this kind; null when it names no closing */
      table.bigInteger('expected_gross_minor').nullable()
      table.bigInteger('difference_minor').notNullable().defaultTo(0)
      table.boolean('has_difference').notNullable().defaultTo(false)
      table.dateTime('created_at').notNullable()
      table.dateTime('updated_at').notNullable()
      table.index(['customer_id', 'value_date', 'id'], 'payouts_customer_keyset')
      table.index(['has_difference', 'value_date'], 'payouts_difference')
    })

    this.schema.createTable('payout_closings', (table) => {
      table.bigInteger('payout_id').unsigned().notNullable().references('id').inTable('payouts')
      table.bigInteger('closing_id').unsigned().notNullable().references('id').inTable('closings')
      table.primary(['payout_id', 'closing_id'])
      table.index(['closing_id'], 'payout_closings_closing')
    })

    this.schema.createTable('payout_fees', (table) => {
      table.bigIncrements('id')
      table.bigInteger('payout_id').unsigned().notNullable().references('id').inTable('payouts')
      /* null: a fee not tied to one brand (e.g. the monthly service fee) */
      table.string('card_brand', 12).nullable()
      /* disagio | transaction | scheme | service | other */
      table.string('kind', 20).notNullable()
      table.bigInteger('amount_minor').notNullable()
      table.index(['payout_id'], 'payout_fees_payout')
    })

    /* one row per alert that was sent: the key makes each event mail once (docs/money.md) */
    this.schema.createTable('money_alerts', (table) => {
      table.bigIncrements('id')
      table.string('event_key', 120).notNullable().unique()
      table.integer('customer_id').unsigned().notNullable().references('id').inTable('customers')
      table.dateTime('created_at').notNullable()
    })

    this.schema.alterTable('transactions', (table) => {
      table.bigInteger('closing_id').unsigned().nullable()
      table.index(['terminal_id', 'closing_id', 'occurred_at'], 'transactions_terminal_closing')
    })

    this.schema.alterTable('terminals', (table) => {
      table.dateTime('last_closed_at').nullable()
    })

    this.schema.alterTable('customers', (table) => {
      /* the acquirer's rhythm for card-scheme payouts: daily | weekly */
      table.string('settlement_rhythm', 6).notNullable().defaultTo('weekly')
    })

    this.schema.alterTable('users', (table) => {
      table.boolean('alert_unclosed').notNullable().defaultTo(true)
      table.boolean('alert_differences').notNullable().defaultTo(true)
    })
  }

  async down() {
    const sqlite = this.db.dialect.name.includes('sqlite')
    const drop = (tableName: string, columns: string[]) => {
      if (sqlite) {
        for (const column of columns)
          this.schema.raw(`ALTER TABLE ${tableName} DROP COLUMN ${column}`)
      } else {
        this.schema.alterTable(tableName, (table) => table.dropColumns(...columns))
      }
    }
    drop('users', ['alert_unclosed', 'alert_differences'])
    drop('customers', ['settlement_rhythm'])
    drop('terminals', ['last_closed_at'])
    this.schema.alterTable('transactions', (table) => {
      table.dropIndex(['terminal_id', 'closing_id', 'occurred_at'], 'transactions_terminal_closing')
    })
    drop('transactions', ['closing_id'])
    this.schema.dropTable('money_alerts')
    this.schema.dropTable('payout_fees')
    this.schema.dropTable('payout_closings')
    this.schema.dropTable('payouts')
    this.schema.dropTable('closing_totals')
    this.schema.dropTable('closings')
  }
}
