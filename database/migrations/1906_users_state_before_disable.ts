import { BaseSchema } from '@adonisjs/lucid/schema'

/*
| The state a disabled account returns to when support enables it again: an account
| that was waiting for its e-mail confirmation or for support's approval must not
| come back `active` (docs/account.md, "Support's actions").
*/
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('users', (table) => {
      table.string('state_before_disable', 30).nullable()
    })
  }

  async down() {
    this.schema.alterTable('users', (table) => {
      table.dropColumn('state_before_disable')
    })
  }
}
