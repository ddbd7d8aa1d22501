import { urlFor } from '@adonisjs/core/services/url_builder'
import PortalMail from '#mails/portal_mail'
import { appUrl } from '#config/app'
import type { I18n } from '@adonisjs/i18n'

export type AccessRequestMailData = {
  customerNumber: string
  companyName: string
  requesterEmail: string
}

/** To each owner of a customer: someone proved the customer and asks for access. */
export default class AccessRequestMail extends PortalMail {
  constructor(
    recipient: string,
    locale: string,
    protected data: AccessRequestMailData
  ) {
    super(recipient, locale)
  }

  protected content(t: I18n['t']) {
    const values = {
      email: this.data.requesterEmail,
      customerNumber: this.data.customerNumber,
      company: this.data.companyName,
    }
    return {
      subject: t('account.mail.access_request.subject', values),
      greeting: t('mail.greeting'),
      paragraphs: [
        t('account.mail.access_request.body', values),
        t('account.mail.access_request.nothing_yet'),
        t('account.mail.access_request.unknown'),
      ],
      action: {
        label: t('account.mail.access_request.action'),
        url: urlFor('account.users.index', undefined, { prefixUrl: appUrl }),
      },
    }
  }
}
