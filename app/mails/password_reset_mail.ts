import { urlFor } from '@adonisjs/core/services/url_builder'
import PortalMail from '#mails/portal_mail'
import { appUrl } from '#config/app'
import type { I18n } from '@adonisjs/i18n'

/** The „Passwort vergessen“ link (single use, 60 minutes), always built from APP_URL. */
export default class PasswordResetMail extends PortalMail {
  constructor(
    recipient: string,
    locale: string,
    protected token: string
  ) {
    super(recipient, locale)
  }

  protected content(t: I18n['t']) {
    return {
      subject: t('account.mail.reset.subject'),
      greeting: t('mail.greeting'),
      paragraphs: [t('account.mail.reset.body')],
      action: {
        label: t('account.mail.reset.action'),
        url: urlFor('account.reset', { token: this.token }, { prefixUrl: appUrl }),
      },
      after: [t('account.mail.reset.after')],
    }
  }
}
