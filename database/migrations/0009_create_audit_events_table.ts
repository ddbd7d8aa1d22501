import { BaseSchema } from '@adonisjs/lucid/schema'

/* Who did what, when, to whom. Never holds a password, token or mail body. */
export default class extends BaseSchema {
  protected tableName = 'audit_events'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.bigIncrements('id')
      /* user | staff | system | anonymous */
      table.string('actor_type', 10).notNullable()
      table.integer('actor_id').unsigned().nullable()
      table.integer('subject_user_id').unsigned().nullable()
      table.string('action', 60).notNullable()
      table.string('ip', 45).nullable()
      table.string('user_agent', 255).nullable()
      table.text('meta').nullable()
      table.dateTime('created_at').notNullable()
      table.index(['subject_user_id', 'created_at'])
      table.index(['actor_type', 'actor_id', 'created_at'])
      table.index(['action', 'created_at'])
      table.index(['created_at'])
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
