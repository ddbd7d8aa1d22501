import { BaseSchema } from '@adonisjs/lucid/schema'

/*
| Support's user list filtered by state (locked, waiting for approval) is ordered
| newest first: with (state, created_at) a page is an index range, not a filesort
| over every user in that state (bench/admin.ts: 186 ms → ~1 ms at 200,000 users).
*/
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('users', (table) => {
      table.index(['state', 'created_at'], 'users_state_created_at_index')
    })
  }

  async down() {
    this.schema.alterTable('users', (table) => {
      table.dropIndex(['state', 'created_at'], 'users_state_created_at_index')
    })
  }
}
