import { BaseSchema } from '@adonisjs/lucid/schema'

/* One-time tokens (verification, reset, e-mail change) and API tokens: only SHA-256 hashes are stored. */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('one_time_tokens', (table) => {
      table.increments('id')
      table
        .integer('user_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('users')
        .onDelete('CASCADE')
      /* verify_email | password_reset | email_change */
      table.string('purpose', 20).notNullable()
      table.string('token_hash', 64).notNullable().unique()
      table.string('payload', 254).nullable()
      table.dateTime('expires_at').notNullable()
      table.dateTime('used_at').nullable()
      table.dateTime('created_at').notNullable()
      table.index(['user_id', 'purpose'])
    })

    this.schema.createTable('api_tokens', (table) => {
      table.increments('id')
      table.string('name', 60).notNullable()
      table.string('token_hash', 64).notNullable().unique()
      table.dateTime('last_used_at').nullable()
      table.dateTime('revoked_at').nullable()
      table.dateTime('created_at').notNullable()
      table.index(['name'])
    })
  }

  async down() {
    this.schema.dropTable('api_tokens')
    this.schema.dropTable('one_time_tokens')
  }
}
