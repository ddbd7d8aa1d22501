import { urlFor } from '@adonisjs/core/services/url_builder'
import PortalMail from '#mails/portal_mail'
import { appUrl } from '#config/app'
import type { I18n } from '@adonisjs/i18n'

/** Tells the merchant that support switched two-factor sign-in off, and how to turn it on again. */
export default class TwoFactorResetMail extends PortalMail {
  protected content(t: I18n['t']) {
    return {
      subject: t('account.mail.two_factor_reset.subject'),
      greeting: t('mail.greeting'),
      paragraphs: [t('account.mail.two_factor_reset.body')],
      action: {
        label: t('account.mail.two_factor_reset.action'),
        url: urlFor('account.login', undefined, { prefixUrl: appUrl }),
      },
      after: [
        t('account.mail.two_factor_reset.contact', {
          url: urlFor('contact.show', undefined, { prefixUrl: appUrl }),
        }),
      ],
    }
  }
}
