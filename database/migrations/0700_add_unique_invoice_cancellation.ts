import { BaseSchema } from '@adonisjs/lucid/schema'

/* An invoice is cancelled at most once: one cancellation invoice per original. */
export default class extends BaseSchema {
  protected tableName = 'invoices'

  async up() {
    this.schema.alterTable(this.tableName, (table) => {
      table.unique(['cancels_invoice_id'], { indexName: 'invoices_cancels_invoice_id_unique' })
    })
  }

  async down() {
    /* MariaDB keeps the unique index for the foreign key: drop the key, the index, then restore the key */
    this.schema.alterTable(this.tableName, (table) => {
      table.dropForeign(['cancels_invoice_id'])
    })
    this.schema.alterTable(this.tableName, (table) => {
      table.dropUnique(['cancels_invoice_id'], 'invoices_cancels_invoice_id_unique')
    })
    this.schema.alterTable(this.tableName, (table) => {
      table.foreign('cancels_invoice_id').references('id').inTable('invoices')
    })
  }
}
