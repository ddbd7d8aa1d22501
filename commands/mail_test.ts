import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class MailTest extends BaseCommand {
  static commandName = 'mail:test'
  static description = 'Queue a test mail to an address (the worker sends it)'
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'Recipient address' })
  declare address: string

  @flags.string({ description: 'Language: de or en', default: 'de' })
  declare locale: string

  async run() {
    const { default: mail } = await import('@adonisjs/mail/services/main')
    const { default: TestMail } = await import('#mails/test_mail')
    await mail.sendLater(new TestMail(this.address, this.locale))
    this.logger.success(`queued a test mail to ${this.address}`)
  }
}
