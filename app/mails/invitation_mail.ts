import { urlFor } from '@adonisjs/core/services/url_builder'
import PortalMail from '#mails/portal_mail'
import { appUrl } from '#config/app'
import type { I18n } from '@adonisjs/i18n'
import type { CustomerRole } from '#models/customer_user'

export type InvitationMailData = {
  token: string
  role: CustomerRole
  companyName: string
  customerNumber: string
  /** the inviting owner's name, or their address */
  inviter: string
}

/** To an invited address: a single-use link (7 days) to join a customer with a role. */
export default class InvitationMail extends PortalMail {
  constructor(
    recipient: string,
    locale: string,
    protected data: InvitationMailData
  ) {
    super(recipient, locale)
  }

  protected content(t: I18n['t']) {
    const values = {
      inviter: this.data.inviter,
      company: this.data.companyName,
      customerNumber: this.data.customerNumber,
      role: t(`account.customers.role_${this.data.role}`),
    }
    return {
      subject: t('account.mail.invitation.subject', values),
      greeting: t('mail.greeting'),
      paragraphs: [
        t('account.mail.invitation.body', values),
        t('account.mail.invitation.how'),
        t('account.mail.invitation.expiry'),
      ],
      action: {
        label: t('account.mail.invitation.action'),
        url: urlFor('account.invitation', { token: this.data.token }, { prefixUrl: appUrl }),
      },
      after: [t('account.mail.invitation.unknown')],
    }
  }
}
