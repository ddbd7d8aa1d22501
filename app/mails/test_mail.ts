import PortalMail from '#mails/portal_mail'
import type { I18n } from '@adonisjs/i18n'

/** `node ace mail:test <address>`: proves the queue, the worker and SMTP work end to end. */
export default class TestMail extends PortalMail {
  protected content(t: I18n['t']) {
    return {
      subject: t('mail.test_subject'),
      greeting: t('mail.greeting'),
      paragraphs: [t('mail.test_body')],
    }
  }
}
