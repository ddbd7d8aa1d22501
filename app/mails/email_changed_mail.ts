import { urlFor } from '@adonisjs/core/services/url_builder'
import PortalMail from '#mails/portal_mail'
import { appUrl } from '#config/app'
import type { I18n } from '@adonisjs/i18n'

/** Tells the old address that the login address was changed (the new one only masked). */
export default class EmailChangedMail extends PortalMail {
  constructor(
    recipient: string,
    locale: string,
    protected newEmail: string
  ) {
    super(recipient, locale)
  }

  protected content(t: I18n['t']) {
    const [local, domain] = this.newEmail.split('@')
    const masked = `${local.slice(0, 2)}…@${domain}`
    return {
      subject: t('account.mail.email_changed.subject'),
      greeting: t('mail.greeting'),
      paragraphs: [t('account.mail.email_changed.body', { masked })],
      after: [
        t('account.mail.email_changed.not_you', {
          url: urlFor('contact.show', undefined, { prefixUrl: appUrl }),
        }),
      ],
    }
  }
}
