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
    /* the foreign key needs an index on the column: give it a plain one first */
    this.schema.alterTable(this.tableName, (table) => {
      table.index(['cancels_invoice_id'], 'invoices_cancels_invoice_id_foreign')
    })
    this.schema.alterTable(this.tableName, (table) => {
      table.dropUnique(['cancels_invoice_id'], 'invoices_cancels_invoice_id_unique')
    })
  }
}
