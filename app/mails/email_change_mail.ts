import { urlFor } from '@adonisjs/core/services/url_builder'
import PortalMail from '#mails/portal_mail'
import { appUrl } from '#config/app'
import type { I18n } from '@adonisjs/i18n'

/** Sent to the new address: the change takes effect only after this link is followed. */
export default class EmailChangeMail extends PortalMail {
  constructor(
    recipient: string,
    locale: string,
    protected token: string
  ) {
    super(recipient, locale)
  }

  protected content(t: I18n['t']) {
    return {
      subject: t('account.mail.email_change.subject'),
      greeting: t('mail.greeting'),
      paragraphs: [t('account.mail.email_change.body')],
      action: {
        label: t('account.mail.email_change.action'),
        url: urlFor('account.email.confirm', { token: this.token }, { prefixUrl: appUrl }),
      },
      after: [t('account.mail.email_change.after')],
    }
  }
}
