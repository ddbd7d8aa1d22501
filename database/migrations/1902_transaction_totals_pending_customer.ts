import { BaseSchema } from '@adonisjs/lucid/schema'
import { PENDING_TABLE } from '#services/merchant/transaction_totals'

/*
| The customer of each pending transaction (ADR 1901): the list adds its customers'
| pending transactions live, and without the customer it read every customer's pending
| rows (joined with `transactions`) on every page — a backlog of one busy customer, or
| of all while no worker runs, slowed every merchant's list. Indexed by customer, so a
| list reads only its own.
|
| Existing marks get their customer from `transactions`. Rows that processes still running
| the previous release insert after this migration get 0: the rollup counts them as usual
| (it reads the transactions), only the list does not add them live until then (at most
| the rollup's 5 s).
*/
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable(PENDING_TABLE, (table) => {
      table.integer('customer_id').unsigned().notNullable().defaultTo(0)
      table.index(['customer_id'], 'transaction_totals_pending_customer')
    })
    this.defer(async (db) => {
      const sqlite = db.dialect.name.includes('sqlite')
      await db.rawQuery(
        sqlite
          ? `UPDATE ${PENDING_TABLE} SET customer_id = (SELECT customer_id FROM transactions WHERE transactions.id = ${PENDING_TABLE}.transaction_id)`
          : `UPDATE ${PENDING_TABLE} p INNER JOIN transactions t ON t.id = p.transaction_id SET p.customer_id = t.customer_id`
      )
    })
  }

  async down() {
    this.schema.alterTable(PENDING_TABLE, (table) => {
      table.dropIndex(['customer_id'], 'transaction_totals_pending_customer')
      table.dropColumn('customer_id')
    })
  }
}
