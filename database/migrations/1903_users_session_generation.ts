import { BaseSchema } from '@adonisjs/lucid/schema'

/*
| A merchant's session generation: every session carries the generation it was
| logged in with, and ending a user's sessions (password reset or change, „Andere
| Sitzungen abmelden“, lock, disable) counts it up. A request still running in an
| ended session writes that session back when it finishes; with the old generation it
| is logged out on its next request instead of living on (a stolen cookie must not
| survive a password reset). Existing sessions carry none, which counts as 0.
*/
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('users', (table) => {
      table.integer('session_generation').unsigned().notNullable().defaultTo(0)
    })
  }

  async down() {
    this.schema.alterTable('users', (table) => {
      table.dropColumn('session_generation')
    })
  }
}
