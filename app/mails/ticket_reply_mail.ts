import PortalMail from '#mails/portal_mail'
import type { I18n } from '@adonisjs/i18n'

/**
 * Support's answer to a ticket, with the reference in the subject. The names
 * and texts are untrusted; the shared mail templates escape them.
 */
export default class TicketReplyMail extends PortalMail {
  constructor(
    recipient: string,
    locale: string,
    protected ticket: { reference: string; name: string; originalMessage: string },
    protected reply: string
  ) {
    super(recipient, locale)
  }

  protected content(t: I18n['t']) {
    return {
      subject: t('contact.mail.reply.subject', { reference: this.ticket.reference }),
      greeting: t('contact.mail.reply.greeting', { name: this.ticket.name }),
      paragraphs: [t('contact.mail.reply.intro', { reference: this.ticket.reference })],
      quote: this.reply,
      after: [t('contact.mail.reply.original'), this.ticket.originalMessage],
    }
  }
}
