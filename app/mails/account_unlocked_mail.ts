import { urlFor } from '@adonisjs/core/services/url_builder'
import PortalMail from '#mails/portal_mail'
import { appUrl } from '#config/app'
import type { I18n } from '@adonisjs/i18n'

/** Tells the merchant that support lifted the lock, with the way back in. */
export default class AccountUnlockedMail extends PortalMail {
  protected content(t: I18n['t']) {
    return {
      subject: t('account.mail.unlocked.subject'),
      greeting: t('mail.greeting'),
      paragraphs: [t('account.mail.unlocked.body')],
      action: {
        label: t('account.mail.unlocked.action'),
        url: urlFor('account.login', undefined, { prefixUrl: appUrl }),
      },
      after: [
        t('account.mail.unlocked.contact', {
          url: urlFor('contact.show', undefined, { prefixUrl: appUrl }),
        }),
      ],
    }
  }
}
