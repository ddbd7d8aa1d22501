import { urlFor } from '@adonisjs/core/services/url_builder'
import PortalMail from '#mails/portal_mail'
import { appUrl } from '#config/app'
import type { I18n } from '@adonisjs/i18n'

export type RepliedTicket = {
  id: number
  reference: string
  name: string
  /** the merchant's first public message (never an internal note) */
  originalMessage: string
  /** the ticket's own reply address (`replyAddressOf`): an answer lands in the ticket */
  replyTo: string
  /** a ticket of a portal account: the mail links to it under „Meine Anfragen“ */
  inPortal: boolean
}

/**
 * Support's answer to a ticket, with the reference in the subject and the ticket's
 * reply address as Reply-To, so the merchant simply answers the mail. The names and
 * texts are untrusted; the shared mail templates escape them.
 */
export default class TicketReplyMail extends PortalMail {
  constructor(
    recipient: string,
    locale: string,
    protected ticket: RepliedTicket,
    protected reply: string
  ) {
    super(recipient, locale)
  }

  async prepare() {
    await super.prepare()
    this.message.replyTo(this.ticket.replyTo)
  }

  protected content(t: I18n['t']) {
    const link = this.ticket.inPortal
      ? {
          label: t('contact.mail.reply.portal_link'),
          url: urlFor('requests.show', { id: this.ticket.id }, { prefixUrl: appUrl }),
        }
      : undefined
    return {
      subject: t('contact.mail.reply.subject', { reference: this.ticket.reference }),
      greeting: t('contact.mail.reply.greeting', { name: this.ticket.name }),
      paragraphs: [t('contact.mail.reply.intro', { reference: this.ticket.reference })],
      quote: this.reply,
      action: link,
      after: [
        t('contact.mail.reply.answer_by_mail'),
        ...(link ? [t('contact.mail.reply.portal_hint')] : []),
        t('contact.mail.reply.original'),
        this.ticket.originalMessage,
      ],
    }
  }
}
