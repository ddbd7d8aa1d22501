import { BaseSchema } from '@adonisjs/lucid/schema'
import { AMOUNT_COLUMNS, COUNT_COLUMNS, TOTALS_TABLE } from '#services/merchant/transaction_totals'

/*
| The transaction list's totals, maintained (issue 19, ADR 1901, docs/merchant.md "Totals"):
| per customer, Berlin day ('d') or Berlin month ('m', `day` = its first day), terminal
| (terminals.id) and card brand, one count per type × status and the approved amounts
| of sales, refunds and reversals. The measure columns come from the service's lists,
| so a fresh database gets the columns of the code that creates it; a later type or
| status adds its columns in its own migration (when missing) and rebuilds.
|
| No foreign keys: the table is a companion of `transactions` (which has them), written
| (or marked pending) in the same transaction as each insert and rebuilt from it by `node ace
| transactions:totals`; checking customers and terminals again on every ingest upsert
| would add parent-row locks on the hot path and buy nothing.
|
| Backfill: migration 1901 (once its pending table exists, which the rebuild clears).
*/
export default class extends BaseSchema {
  async up() {
    this.schema.createTable(TOTALS_TABLE, (table) => {
      table.integer('customer_id').unsigned().notNullable()
      /* 'd' = Berlin day, 'm' = Berlin month */
      table.specificType('grain', 'char(1)').notNullable()
      table.date('day').notNullable()
      table.integer('terminal_id').unsigned().notNullable()
      table.string('card_brand', 16).notNullable()
      for (const { name } of COUNT_COLUMNS) table.integer(name).notNullable().defaultTo(0)
      /* cents */
      for (const { name } of AMOUNT_COLUMNS) table.bigInteger(name).notNullable().defaultTo(0)
      table.primary(['customer_id', 'grain', 'day', 'terminal_id', 'card_brand'])
    })
  }

  async down() {
    this.schema.dropTable(TOTALS_TABLE)
  }
}
