import PortalMail from '#mails/portal_mail'
import operator from '#config/operator'
import type { I18n } from '@adonisjs/i18n'

/**
 * „Ihre Anfrage ist eingegangen“: the ticket reference and how to reach support.
 * It quotes nothing the sender typed, so the form cannot be used to mail
 * arbitrary text to a third party's address.
 */
export default class TicketReceiptMail extends PortalMail {
  constructor(
    recipient: string,
    locale: string,
    protected reference: string,
    protected category: string
  ) {
    super(recipient, locale)
  }

  protected content(t: I18n['t']) {
    return {
      subject: t('contact.mail.receipt.subject', { reference: this.reference }),
      greeting: t('mail.greeting'),
      paragraphs: [
        t('contact.mail.receipt.body', {
          reference: this.reference,
          category: t(`contact.categories.${this.category}`),
        }),
        t('contact.mail.receipt.next'),
        t('contact.mail.receipt.phone', {
          phone: operator.supportPhone,
          hours: operator.supportHoursIn(this.locale),
        }),
      ],
    }
  }
}
