import { urlFor } from '@adonisjs/core/services/url_builder'
import PortalMail from '#mails/portal_mail'
import { appUrl } from '#config/app'
import type { I18n } from '@adonisjs/i18n'

/** The registration's confirmation link (single use, 24 hours). */
export default class VerifyEmailMail extends PortalMail {
  constructor(
    recipient: string,
    locale: string,
    protected token: string
  ) {
    super(recipient, locale)
  }

  protected content(t: I18n['t']) {
    return {
      subject: t('account.mail.verify.subject'),
      greeting: t('mail.greeting'),
      paragraphs: [t('account.mail.verify.body')],
      action: {
        label: t('account.mail.verify.action'),
        url: urlFor('account.verify', { token: this.token }, { prefixUrl: appUrl }),
      },
      after: [t('account.mail.verify.after')],
    }
  }
}
