import { BaseSchema } from '@adonisjs/lucid/schema'

/*
| Card transactions. Only the masked PAN (first 6 + last 4 at most) is stored.
| (customer_id, occurred_at, id) serves "this customer's transactions, newest
| first" as a keyset seek; (terminal_id, occurred_at, id) the terminal view.
*/
export default class extends BaseSchema {
  protected tableName = 'transactions'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.bigIncrements('id')
      table.string('reference', 64).notNullable().unique()
      table.integer('customer_id').unsigned().notNullable().references('id').inTable('customers')
      table.integer('terminal_id').unsigned().notNullable().references('id').inTable('terminals')
      table.dateTime('occurred_at').notNullable()
      /* sale | refund | reversal | preauth */
      table.string('type', 10).notNullable()
      /* approved | declined */
      table.string('status', 10).notNullable()
      table.integer('amount_minor').notNullable()
      table.string('currency', 3).notNullable().defaultTo('EUR')
      /* girocard | visa | mastercard | maestro | vpay | amex | other */
      table.string('card_brand', 12).notNullable()
      table.string('pan_masked', 19).nullable()
      table.string('pan_last4', 4).nullable()
      table.string('auth_code', 12).nullable()
      table.string('receipt_number', 32).nullable()
      table.dateTime('created_at').notNullable()
      table.index(['customer_id', 'occurred_at', 'id'], 'transactions_customer_keyset')
      table.index(['terminal_id', 'occurred_at', 'id'], 'transactions_terminal_keyset')
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
