import { BaseSchema } from '@adonisjs/lucid/schema'

/*
| „Dokumente“ (issue 18, docs/documents.md): contracts, price lists and notices per
| customer. A document is written once and never changed: there is no updated_at
| and no code path that updates a row or its file. `document_reads` remembers which
| user opened which document (the „neu“ badge); the audit trail holds every
| download as the read receipt.
*/
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('documents', (table) => {
      table.increments('id')
      table.integer('customer_id').unsigned().notNullable().references('id').inTable('customers')
      table.string('title', 200).notNullable()
      /* contract | price_list | notice | other */
      table.string('kind', 20).notNullable()
      /* relative to DOCUMENT_STORAGE_PATH */
      table.string('file_path', 255).notNullable().unique()
      table.bigInteger('size').unsigned().notNullable()
      table.string('sha256', 64).notNullable()
      /* the uploader's file name, reduced to safe characters */
      table.string('original_filename', 200).notNullable()
      /* null: added by `node ace documents:add` */
      table
        .integer('uploaded_by_staff_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('staff_users')
      table.dateTime('created_at').notNullable()
      table.index(['customer_id', 'created_at'])
    })

    this.schema.createTable('document_reads', (table) => {
      table.increments('id')
      table
        .integer('document_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('documents')
        .onDelete('CASCADE')
      table
        .integer('user_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('users')
        .onDelete('CASCADE')
      table.dateTime('first_read_at').notNullable()
      table.unique(['document_id', 'user_id'])
      table.index(['user_id'])
    })
  }

  async down() {
    this.schema.dropTableIfExists('document_reads')
    this.schema.dropTableIfExists('documents')
  }
}
