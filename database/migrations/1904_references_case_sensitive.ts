import { BaseSchema } from '@adonisjs/lucid/schema'

/*
| The processing host's references are exact: `HOST-a1` and `HOST-A1` are two
| transactions. The database's default collation compares text without case, so the
| unique index took the second for a duplicate of the first, and the API answered
| `duplicate` for a transaction it never stored. Binary collation on the references
| that make the ingest idempotent (transactions, payouts). SQLite compares them
| exactly already. On a large `transactions` table MariaDB copies the table: plan the
| migration's minutes (docs/deployment.md, the update's safeguards).
*/
const COLUMNS = [
  ['transactions', 'reference'],
  ['payouts', 'reference'],
] as const

export default class extends BaseSchema {
  async up() {
    if (this.db.dialect.name.includes('sqlite')) return
    for (const [table, column] of COLUMNS) {
      this.defer(async (db) => {
        await db.rawQuery(
          `ALTER TABLE \`${table}\` MODIFY \`${column}\` VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL`
        )
      })
    }
  }

  async down() {
    if (this.db.dialect.name.includes('sqlite')) return
    for (const [table, column] of COLUMNS) {
      this.defer(async (db) => {
        await db.rawQuery(
          `ALTER TABLE \`${table}\` MODIFY \`${column}\` VARCHAR(64) CHARACTER SET utf8mb4 NOT NULL`
        )
      })
    }
  }
}
