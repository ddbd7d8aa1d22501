import type { I18n } from '@adonisjs/i18n'
import PortalMail from '#mails/portal_mail'

/** The last mail to an erased account's old address: what was erased and what stays. */
export default class AccountErasedMail extends PortalMail {
  protected content(t: I18n['t']) {
    return {
      subject: t('privacy.mail.erased.subject'),
      greeting: t('mail.greeting'),
      paragraphs: [t('privacy.mail.erased.body'), t('privacy.mail.erased.kept')],
      after: [t('privacy.mail.erased.not_you')],
    }
  }
}
