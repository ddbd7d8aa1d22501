import { BaseSchema } from '@adonisjs/lucid/schema'

/*
| Totals of a merchant's filtered transaction list (count, approved, turnover) read
| only this index: (customer_id, occurred_at) is the range, status/type/amount the
| sum. Without it, 1,000,000 rows cost ≈ 18 s of row reads; with it ≈ 1 s.
| See docs/adr/0501-transactions-keyset-and-scope.md.
*/
export default class extends BaseSchema {
  protected tableName = 'transactions'

  async up() {
    this.schema.alterTable(this.tableName, (table) => {
      table.index(
        ['customer_id', 'occurred_at', 'status', 'type', 'amount_minor'],
        'transactions_customer_totals'
      )
    })
  }

  async down() {
    this.schema.alterTable(this.tableName, (table) => {
      table.dropIndex(
        ['customer_id', 'occurred_at', 'status', 'type', 'amount_minor'],
        'transactions_customer_totals'
      )
    })
  }
}
