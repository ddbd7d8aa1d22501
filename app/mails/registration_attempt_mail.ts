import { urlFor } from '@adonisjs/core/services/url_builder'
import PortalMail from '#mails/portal_mail'
import { appUrl } from '#config/app'
import type { I18n } from '@adonisjs/i18n'

/** Sent to an existing owner when someone registers with their address. */
export default class RegistrationAttemptMail extends PortalMail {
  protected content(t: I18n['t']) {
    return {
      subject: t('account.mail.attempt.subject'),
      greeting: t('mail.greeting'),
      paragraphs: [t('account.mail.attempt.body'), t('account.mail.attempt.ignore')],
      action: {
        label: t('account.mail.attempt.action'),
        url: urlFor('account.forgot', undefined, { prefixUrl: appUrl }),
      },
    }
  }
}
