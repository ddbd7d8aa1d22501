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
  /** the cancelled invoice's number, for a cancellation invoice (Stornorechnung) */
  cancels?: string | null
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
    const values = {
      number: this.invoice.number,
      period,
      amount: formatMoney(this.invoice.grossMinor, locale),
      cancels: this.invoice.cancels ?? '',
    }
    /* a cancellation or a month in the merchant's favour asks for no payment */
    const money =
      this.invoice.grossMinor < 0
        ? t('invoices.mail.refund')
        : t('invoices.mail.due', { date: formatDate(this.invoice.dueDate, locale) })
    return {
      subject: this.invoice.cancels
        ? t('invoices.mail.cancellation_subject', values)
        : t('invoices.mail.subject', values),
      greeting: t('mail.greeting'),
      paragraphs: [
        this.invoice.cancels
          ? t('invoices.mail.cancellation_body', values)
          : t('invoices.mail.body', values),
        money,
      ],
      action: {
        label: t('invoices.mail.action'),
        url: urlFor('invoices.index', undefined, { prefixUrl: appUrl }),
      },
    }
  }
}
