import { urlFor } from '@adonisjs/core/services/url_builder'
import type { I18n } from '@adonisjs/i18n'
import PortalMail from '#mails/portal_mail'
import { appUrl } from '#config/app'

/**
 * „Neue Bankverbindung bestätigen“: sent to the customer's existing contact
 * address, with the single link that confirms the change. It names the new
 * account by its last 4 characters only.
 */
export default class ChangeConfirmMail extends PortalMail {
  constructor(
    recipient: string,
    locale: string,
    protected change: {
      reference: string
      companyName: string
      customerNumber: string
      ibanLast4: string
      token: string
    }
  ) {
    super(recipient, locale)
  }

  protected content(t: I18n['t']) {
    const { reference, companyName, customerNumber, ibanLast4, token } = this.change
    return {
      subject: t('changes.mail.confirm.subject', { reference }),
      greeting: t('mail.greeting'),
      paragraphs: [
        t('changes.mail.confirm.body', { companyName, customerNumber, ibanLast4 }),
        t('changes.mail.confirm.expiry'),
      ],
      action: {
        label: t('changes.mail.confirm.action'),
        url: urlFor('changes.confirm', { token }, { prefixUrl: appUrl }),
      },
      after: [t('changes.mail.confirm.not_you')],
    }
  }
}
