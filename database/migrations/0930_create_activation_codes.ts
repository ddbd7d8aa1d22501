import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * One-time activation codes (REGISTRATION_PROOF=code): printed on a letter to the
 * customer's address by `node ace customers:activation-codes`, stored only as a hash.
 * A code proves its customer once (used_at) until it expires; a new code for the
 * customer deletes the unused one before it.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('activation_codes', (table) => {
      table.increments('id')
      table
        .integer('customer_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('customers')
        .onDelete('CASCADE')
      /* SHA-256 (hex) of the normalised code */
      table.string('code_hash', 64).notNullable().unique()
      table.dateTime('expires_at').notNullable()
      table.dateTime('used_at').nullable()
      table.integer('used_by_user_id').unsigned().nullable()
      table.dateTime('created_at').notNullable()
      table.index(['customer_id', 'used_at'])
    })
  }

  async down() {
    this.schema.dropTable('activation_codes')
  }
}
