import type { I18n } from '@adonisjs/i18n'
import { urlFor } from '@adonisjs/core/services/url_builder'
import PortalMail from '#mails/portal_mail'
import { appUrl } from '#config/app'
import { formatDate, formatMoney } from '#services/format/formatters'
import { monthName } from '#services/merchant/row_format'

export type InvoiceMailData = {
  number: string
  period: string
  grossMinor: number
  dueDate: string
}

/** "Your new invoice is ready": no attachment, a link to the archive (login required). */
export default class InvoiceIssuedMail extends PortalMail {
  constructor(
    recipient: string,
    locale: string,
    protected invoice: InvoiceMailData
  ) {
    super(recipient, locale)
  }

  protected content(t: I18n['t'], i18n: I18n) {
    const locale = i18n.locale
    /* „Oktober 2026“ / "October 2026", as in the archive */
    const period = monthName(this.invoice.period, locale)
    return {
      subject: t('invoices.mail.subject', { number: this.invoice.number, period }),
      greeting: t('mail.greeting'),
      paragraphs: [
        t('invoices.mail.body', {
          number: this.invoice.number,
          period,
          amount: formatMoney(this.invoice.grossMinor, locale),
        }),
        t('invoices.mail.due', { date: formatDate(this.invoice.dueDate, locale) }),
      ],
      action: {
        label: t('invoices.mail.action'),
        url: urlFor('invoices.index', undefined, { prefixUrl: appUrl }),
      },
    }
  }
}
