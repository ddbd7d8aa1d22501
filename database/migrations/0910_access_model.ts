import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * The access model (docs PRODUCT „Access model“): a link in customer_user is access with
 * one of three roles — owner (everything and the customer's users), accountant (also
 * export, invoices, master data), viewer (dashboard, transactions, terminals). Anyone who
 * proves a customer that already has an owner gets a row in access_requests instead of a
 * link, and sees nothing of it until an owner approves.
 *
 * Existing links: until now the first user linked to a customer was stored as 'owner' and
 * every later one as 'member', and a member saw everything an owner saw. So the first link
 * per customer is (or becomes) its owner, and every other one becomes an accountant: they
 * keep every page they could open yesterday (export, invoices, master data) — turning
 * them into viewers would silently take data away — but they do not gain the power to
 * manage the customer's users, which nobody ever granted them. An owner can demote or
 * remove them in /account/users.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('access_requests', (table) => {
      table.increments('id')
      table
        .integer('user_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('users')
        .onDelete('CASCADE')
      table
        .integer('customer_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('customers')
        .onDelete('CASCADE')
      /* registration | terminal_id */
      table.string('proven_by', 16).notNullable()
      table.string('proof_terminal_id', 8).nullable()
      /* pending | approved | denied */
      table.string('status', 16).notNullable().defaultTo('pending')
      /* the role given on approval */
      table.string('role', 16).nullable()
      table.integer('decided_by_user_id').unsigned().nullable()
      table.dateTime('decided_at').nullable()
      table.dateTime('created_at').notNullable()
      table.index(['customer_id', 'status'])
      table.index(['user_id', 'status'])
    })

    this.defer(async (db) => {
      await db.from('customer_user').where('role', 'member').update({ role: 'accountant' })
      /* a customer whose links are all former members: its first linked user owns it */
      await db.rawQuery(
        `UPDATE customer_user SET role = 'owner' WHERE id IN (
           SELECT id FROM (
             SELECT MIN(id) AS id FROM customer_user GROUP BY customer_id
             HAVING SUM(CASE WHEN role = 'owner' THEN 1 ELSE 0 END) = 0
           ) AS firsts
         )`
      )
    })
    if (!this.db.dialect.name.includes('sqlite')) {
      /* least privilege for a row written without a role (SQLite would rebuild the table) */
      this.schema.raw("ALTER TABLE customer_user ALTER role SET DEFAULT 'viewer'")
    }
  }

  async down() {
    if (!this.db.dialect.name.includes('sqlite')) {
      this.schema.raw("ALTER TABLE customer_user ALTER role SET DEFAULT 'owner'")
    }
    this.defer(async (db) => {
      await db
        .from('customer_user')
        .whereIn('role', ['accountant', 'viewer'])
        .update({ role: 'member' })
    })
    this.schema.dropTable('access_requests')
  }
}
