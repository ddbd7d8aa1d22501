import { BaseSchema } from '@adonisjs/lucid/schema'

/*
| The Message-ID of a reply that came by mail (docs/inbound.md): a sending server that
| retries a mail we stored (its connection was cut before our 250 reached it) must not
| put the same reply into the ticket twice.
*/
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('ticket_messages', (table) => {
      table.string('mail_message_id', 255).nullable()
      table.index(['ticket_id', 'mail_message_id'], 'ticket_messages_mail_message_id_index')
    })
  }

  async down() {
    this.schema.alterTable('ticket_messages', (table) => {
      table.dropIndex(['ticket_id', 'mail_message_id'], 'ticket_messages_mail_message_id_index')
      table.dropColumn('mail_message_id')
    })
  }
}
