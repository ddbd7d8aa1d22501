import { urlFor } from '@adonisjs/core/services/url_builder'
import type { I18n } from '@adonisjs/i18n'
import PortalMail from '#mails/portal_mail'
import { appUrl } from '#config/app'

/** „Ihre Daten stehen bereit“: the single-use link to the ZIP (login required, 24 h). */
export default class DataExportReadyMail extends PortalMail {
  constructor(
    recipient: string,
    locale: string,
    private token: string,
    private hours: number
  ) {
    super(recipient, locale)
  }

  protected content(t: I18n['t']) {
    return {
      subject: t('privacy.mail.ready.subject'),
      greeting: t('mail.greeting'),
      paragraphs: [t('privacy.mail.ready.body', { hours: this.hours })],
      action: {
        label: t('privacy.mail.ready.action'),
        url: urlFor('privacy.export.download', { token: this.token }, { prefixUrl: appUrl }),
      },
      after: [t('privacy.mail.ready.not_you')],
    }
  }
}
