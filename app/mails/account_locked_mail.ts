import { urlFor } from '@adonisjs/core/services/url_builder'
import PortalMail from '#mails/portal_mail'
import { appUrl } from '#config/app'
import type { I18n } from '@adonisjs/i18n'

/** Tells the owner the account was locked after too many failed logins, with the ways out. */
export default class AccountLockedMail extends PortalMail {
  protected content(t: I18n['t']) {
    return {
      subject: t('account.mail.locked.subject'),
      greeting: t('mail.greeting'),
      paragraphs: [t('account.mail.locked.body'), t('account.mail.locked.reset')],
      action: {
        label: t('account.mail.locked.action'),
        url: urlFor('account.forgot', undefined, { prefixUrl: appUrl }),
      },
      after: [
        t('account.mail.locked.contact', {
          url: urlFor('contact.show', undefined, {
            prefixUrl: appUrl,
            qs: { category: 'account_locked' },
          }),
        }),
      ],
    }
  }
}
