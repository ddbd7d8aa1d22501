import { urlFor } from '@adonisjs/core/services/url_builder'
import PortalMail from '#mails/portal_mail'
import { appUrl } from '#config/app'
import type { I18n } from '@adonisjs/i18n'

/** Tells the owner the password was changed and every session ended. */
export default class PasswordChangedMail extends PortalMail {
  protected content(t: I18n['t']) {
    return {
      subject: t('account.mail.changed.subject'),
      greeting: t('mail.greeting'),
      paragraphs: [t('account.mail.changed.body')],
      after: [
        t('account.mail.changed.not_you', {
          url: urlFor('contact.show', undefined, { prefixUrl: appUrl }),
        }),
      ],
    }
  }
}
