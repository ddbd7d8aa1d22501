import { urlFor } from '@adonisjs/core/services/url_builder'
import PortalMail from '#mails/portal_mail'
import { appUrl } from '#config/app'
import type { I18n } from '@adonisjs/i18n'

/**
 * Sent to the owner of an address another user tried to switch their login to:
 * the e-mail change answers the same either way, so the owner is told instead.
 */
export default class EmailChangeAttemptMail extends PortalMail {
  protected content(t: I18n['t']) {
    return {
      subject: t('account.mail.email_change_attempt.subject'),
      greeting: t('mail.greeting'),
      paragraphs: [t('account.mail.email_change_attempt.body')],
      action: {
        label: t('common.contact'),
        url: urlFor('contact.show', undefined, { prefixUrl: appUrl }),
      },
      after: [t('account.mail.email_change_attempt.ignore')],
    }
  }
}
