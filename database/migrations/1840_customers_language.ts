import { BaseSchema } from '@adonisjs/lucid/schema'

/*
| Invoices in the customer's language (issue 18, docs/invoices.md): the invoice
| PDF and the invoice mail follow `customers.language` (de | en, default de);
| the XML (XRechnung / Factur-X) does not. No foreign key, so SQLite drops it in place.
*/
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('customers', (table) => {
      table.string('language', 2).notNullable().defaultTo('de')
    })
  }

  async down() {
    if (this.db.dialect.name.includes('sqlite')) {
      this.schema.raw('ALTER TABLE customers DROP COLUMN language')
    } else {
      this.schema.alterTable('customers', (table) => table.dropColumn('language'))
    }
  }
}
