import { BaseSchema } from '@adonisjs/lucid/schema'

/*
| The staff's session generation, as the merchants' (1903): an admin's lock, disable or
| second-factor reset of a staff member counts it up, so a staff session written back by
| a request still running is logged out on its next request — also after an unlock.
*/
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('staff_users', (table) => {
      table.integer('session_generation').unsigned().notNullable().defaultTo(0)
    })
  }

  async down() {
    this.schema.alterTable('staff_users', (table) => {
      table.dropColumn('session_generation')
    })
  }
}
