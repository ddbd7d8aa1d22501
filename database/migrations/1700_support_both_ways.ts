import { BaseSchema } from '@adonisjs/lucid/schema'

/*
| Support that answers both ways (issue 17, ADR 1701, docs/requests.md):
| - tickets know their customer, their agent, their unguessable reply address
|   (`reply_token`) and when the merchant last wrote (ageing);
| - messages may be internal notes (never shown to the merchant) and say where
|   they came from (contact form, portal, mail, support);
| - saved replies (Textbausteine) per language;
| - structured change requests with four-eyes approval for bank accounts, and the
|   master-data fields an approved change set, so an import cannot silently undo it.
*/
export default class extends BaseSchema {
  async up() {
    /*
     * SQLite cannot drop a column that references another table, so there the new
     * columns of existing tables carry no foreign key (the demo database; MariaDB
     * has them): a rollback can then drop them in place (see 0800).
     */
    const sqlite = this.db.dialect.name.includes('sqlite')
    const reference = (
      column: { references(c: string): { inTable(t: string): unknown } },
      table: string
    ) => {
      if (!sqlite) column.references('id').inTable(table)
    }
    this.schema.alterTable('tickets', (table) => {
      reference(table.integer('customer_id').unsigned().nullable(), 'customers')
      reference(table.integer('assigned_staff_id').unsigned().nullable(), 'staff_users')
      /* the secret part of the ticket's reply address (docs/inbound.md) */
      table.string('reply_token', 40).nullable().unique()
      /* contact (the public form) | portal (a logged-in merchant) */
      table.string('source', 10).notNullable().defaultTo('contact')
      table.dateTime('last_requester_message_at').nullable()
      table.index(['user_id', 'last_message_at'], 'tickets_user_activity')
      table.index(['customer_id', 'last_message_at'], 'tickets_customer_activity')
      table.index(['assigned_staff_id', 'status'], 'tickets_assignee')
    })

    this.schema.alterTable('ticket_messages', (table) => {
      /* an agent's note: never on a merchant page or in a mail */
      table.boolean('internal').notNullable().defaultTo(false)
      /* contact | portal | mail | staff */
      table.string('channel', 10).notNullable().defaultTo('contact')
      reference(table.integer('user_id').unsigned().nullable(), 'users')
    })

    this.schema.createTable('saved_replies', (table) => {
      table.increments('id')
      table.string('title', 120).notNullable()
      table.string('locale', 5).notNullable()
      table.text('body').notNullable()
      table
        .integer('created_by_staff_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('staff_users')
      table.dateTime('created_at').notNullable()
      table.dateTime('updated_at').notNullable()
      table.index(['locale', 'title'])
    })

    this.schema.createTable('change_requests', (table) => {
      table.increments('id')
      table.string('reference', 20).nullable().unique()
      table.integer('customer_id').unsigned().notNullable().references('id').inTable('customers')
      table.integer('user_id').unsigned().nullable().references('id').inTable('users')
      /* bank_account | address | contact | terminal_order */
      table.string('kind', 20).notNullable()
      /* JSON: the requested values */
      table.text('payload').notNullable()
      /* JSON: the master data before it was applied */
      table.text('before').nullable()
      /* awaiting_confirmation | pending | approved_once | applied | rejected | cancelled | done */
      table.string('status', 24).notNullable()
      table.string('confirm_token_hash', 64).nullable()
      table.dateTime('confirm_expires_at').nullable()
      table.dateTime('confirmed_at').nullable()
      table
        .integer('first_approver_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('staff_users')
      table.dateTime('first_approved_at').nullable()
      table
        .integer('second_approver_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('staff_users')
      table.dateTime('second_approved_at').nullable()
      table
        .integer('decided_by_staff_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('staff_users')
      table.dateTime('decided_at').nullable()
      table.string('decision_note', 500).nullable()
      table.integer('ticket_id').unsigned().nullable().references('id').inTable('tickets')
      table.dateTime('created_at').notNullable()
      table.dateTime('updated_at').notNullable()
      table.index(['customer_id', 'created_at'], 'change_requests_customer')
      table.index(['status', 'created_at'], 'change_requests_status')
    })

    /* a master-data field an approved change set: the import reports a conflict instead of overwriting it */
    this.schema.createTable('master_data_locks', (table) => {
      table.integer('customer_id').unsigned().notNullable().references('id').inTable('customers')
      table.string('field', 30).notNullable()
      table.string('value', 254).nullable()
      table
        .integer('change_request_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('change_requests')
      table.dateTime('applied_at').notNullable()
      table.primary(['customer_id', 'field'])
    })

    this.schema.alterTable('customers', (table) => {
      table.string('account_holder', 200).nullable()
    })
  }

  async down() {
    const sqlite = this.db.dialect.name.includes('sqlite')
    this.schema.dropTable('master_data_locks')
    this.schema.dropTable('change_requests')
    this.schema.dropTable('saved_replies')
    if (!sqlite) {
      /* foreign keys first: MariaDB may use the new indexes for them */
      this.schema.alterTable('ticket_messages', (table) => table.dropForeign(['user_id']))
      this.schema.alterTable('tickets', (table) => table.dropForeign(['customer_id']))
      this.schema.alterTable('tickets', (table) => table.dropForeign(['assigned_staff_id']))
    }
    if (!sqlite) {
      /* MariaDB dropped 0008's own index for the tickets.user_id key when the wider one came */
      this.schema.alterTable('tickets', (table) =>
        table.index(['user_id'], 'tickets_user_id_foreign')
      )
    }
    this.schema.alterTable('tickets', (table) => {
      table.dropIndex(['user_id', 'last_message_at'], 'tickets_user_activity')
      table.dropIndex(['customer_id', 'last_message_at'], 'tickets_customer_activity')
      table.dropIndex(['assigned_staff_id', 'status'], 'tickets_assignee')
      table.dropUnique(['reply_token'])
    })
    if (sqlite) {
      /* in place (see 0800); none of these references another table on SQLite */
      for (const [table, column] of [
        ['customers', 'account_holder'],
        ['ticket_messages', 'internal'],
        ['ticket_messages', 'channel'],
        ['ticket_messages', 'user_id'],
        ['tickets', 'customer_id'],
        ['tickets', 'assigned_staff_id'],
        ['tickets', 'reply_token'],
        ['tickets', 'source'],
        ['tickets', 'last_requester_message_at'],
      ]) {
        this.schema.raw(`ALTER TABLE ${table} DROP COLUMN ${column}`)
      }
      return
    }
    this.schema.alterTable('customers', (table) => table.dropColumn('account_holder'))
    this.schema.alterTable('ticket_messages', (table) =>
      table.dropColumns('internal', 'channel', 'user_id')
    )
    this.schema.alterTable('tickets', (table) =>
      table.dropColumns(
        'customer_id',
        'assigned_staff_id',
        'reply_token',
        'source',
        'last_requester_message_at'
      )
    )
  }
}
