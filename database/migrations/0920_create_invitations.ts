import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * Invitations (PRODUCT „Access model“): an owner invites an e-mail address to one of their
 * customers with a role. Only the SHA-256 of the mailed token is stored; a link works once
 * (accepted_at or revoked_at set) and until expires_at (7 days).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('invitations', (table) => {
      table.increments('id')
      table
        .integer('customer_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('customers')
        .onDelete('CASCADE')
      /* normalized: trimmed, lower case */
      table.string('email', 254).notNullable()
      /* owner | accountant | viewer */
      table.string('role', 16).notNullable()
      table
        .integer('invited_by_user_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('users')
        .onDelete('SET NULL')
      /* the mail's language (the inviter's) */
      table.string('locale', 5).notNullable().defaultTo('de')
      table.string('token_hash', 64).notNullable().unique()
      table.dateTime('expires_at').notNullable()
      table.dateTime('accepted_at').nullable()
      table.integer('accepted_user_id').unsigned().nullable()
      table.dateTime('revoked_at').nullable()
      table.dateTime('created_at').notNullable()
      table.index(['customer_id', 'email'])
    })
  }

  async down() {
    this.schema.dropTable('invitations')
  }
}
