import { BaseSchema } from '@adonisjs/lucid/schema'
import { PENDING_TABLE, TransactionTotals } from '#services/merchant/transaction_totals'

/*
| Transactions the ingest stored that are not in `transaction_totals` yet (ADR 1901):
| one narrow row per transaction, written in the ingest's own database transaction;
| the worker's rollup moves them into the totals every few seconds, and the list adds
| them live meanwhile. No foreign key, for the reason migration 1900 gives.
|
| Backfill: the totals are rebuilt from the existing transactions. Rows that processes
| still running the previous release insert after this migration are not counted: run
| `node ace transactions:totals` once every process runs this release.
*/
export default class extends BaseSchema {
  async up() {
    this.schema.createTable(PENDING_TABLE, (table) => {
      table.bigInteger('transaction_id').unsigned().notNullable().primary()
    })
    this.defer(async (db) => {
      await TransactionTotals.rebuild(db)
    })
  }

  async down() {
    this.schema.dropTable(PENDING_TABLE)
  }
}
