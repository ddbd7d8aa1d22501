import { BaseSchema } from '@adonisjs/lucid/schema'
import { PENDING_TABLE } from '#services/merchant/transaction_totals'

/*
| Transactions the ingest stored that are not in `transaction_totals` yet (ADR 1901):
| one narrow row per transaction, written in the ingest's own database transaction;
| the worker's rollup moves them into the totals every few seconds, and the list adds
| them live meanwhile. No foreign key, for the reason migration 1900 gives.
*/
export default class extends BaseSchema {
  async up() {
    this.schema.createTable(PENDING_TABLE, (table) => {
      table.bigInteger('transaction_id').unsigned().notNullable().primary()
    })
  }

  async down() {
    this.schema.dropTable(PENDING_TABLE)
  }
}
