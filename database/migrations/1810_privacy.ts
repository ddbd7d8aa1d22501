import { BaseSchema } from '@adonisjs/lucid/schema'

/*
| Privacy by self-service (issue 18, docs/privacy.md):
| - data_exports: „Meine Daten herunterladen“ — one row per requested ZIP, its progress,
|   the file on disk and the single-use download link (only its SHA-256 is stored);
| - erasure_requests: support's „Löschen auf Antrag“ with four eyes (requested by one
|   staff member, approved by another);
| - users.erased_at: when an account was erased (the row stays, pseudonymised, so ids in
|   invoices, tickets and the audit trail keep pointing at „a deleted user“).
*/
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('data_exports', (table) => {
      table.increments('id')
      table
        .integer('user_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('users')
        .onDelete('CASCADE')
      /* queued | building | ready | downloaded | failed | expired */
      table.string('status', 12).notNullable().defaultTo('queued')
      table.integer('progress').notNullable().defaultTo(0)
      table.string('locale', 5).notNullable().defaultTo('de')
      table.string('file_path', 255).nullable()
      table.bigInteger('file_size').nullable()
      table.string('token_hash', 64).nullable().unique()
      table.dateTime('expires_at').nullable()
      table.dateTime('ready_at').nullable()
      table.dateTime('downloaded_at').nullable()
      table.dateTime('created_at').notNullable()
      table.dateTime('updated_at').notNullable()
      table.index(['user_id', 'created_at'], 'data_exports_user')
      table.index(['status', 'expires_at'], 'data_exports_expiry')
    })

    this.schema.createTable('erasure_requests', (table) => {
      table.increments('id')
      /* no foreign key: the erased user's row stays, but the request outlives any cleanup */
      table.integer('user_id').unsigned().notNullable()
      table.string('reason', 500).notNullable()
      /* pending | done | cancelled */
      table.string('status', 10).notNullable().defaultTo('pending')
      table
        .integer('requested_by_staff_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('staff_users')
      table
        .integer('approved_by_staff_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('staff_users')
      /* an admin approved although the user is a customer's last owner */
      table.boolean('last_owner_override').notNullable().defaultTo(false)
      table.dateTime('decided_at').nullable()
      table.dateTime('created_at').notNullable()
      table.dateTime('updated_at').notNullable()
      table.index(['user_id', 'status'], 'erasure_requests_user')
      table.index(['status', 'created_at'], 'erasure_requests_status')
    })

    this.schema.alterTable('users', (table) => {
      table.dateTime('erased_at').nullable()
    })
  }

  async down() {
    const sqlite = this.db.dialect.name.includes('sqlite')
    this.schema.dropTable('erasure_requests')
    this.schema.dropTable('data_exports')
    if (sqlite) {
      /* in place (see 0800): the column references nothing */
      this.schema.raw('ALTER TABLE users DROP COLUMN erased_at')
      return
    }
    this.schema.alterTable('users', (table) => table.dropColumn('erased_at'))
  }
}
