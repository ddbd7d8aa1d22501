import type { I18n } from '@adonisjs/i18n'
import { urlFor } from '@adonisjs/core/services/url_builder'
import PortalMail from '#mails/portal_mail'
import { appUrl } from '#config/app'
import { formatDate, formatDateTime, formatMoney } from '#services/format/formatters'

type Customer = { customerNumber: string; companyName: string }

/** What a money alert is about (app/services/money/alerts.ts); dates as ISO strings. */
export type MoneyAlertData = Customer &
  (
    | {
        kind: 'unclosed'
        tid: string
        /** the terminal's last closing, null when it never closed */
        lastClosedAt: string | null
        /** whole days since then (or since its oldest open payment) */
        days: number
      }
    | {
        kind: 'closing'
        closingId: number
        tid: string
        closingNumber: number
        closedAt: string
        differenceMinor: number
      }
    | {
        kind: 'payout'
        payoutId: number
        reference: string
        valueDate: string
        grossMinor: number
        expectedGrossMinor: number
        differenceMinor: number
      }
  )

/**
 * To an owner or accountant: a terminal has not closed for 5 days, or a closing
 * or payout does not add up. Ends with where to turn the alert off.
 */
export default class MoneyAlertMail extends PortalMail {
  constructor(
    recipient: string,
    locale: string,
    protected alert: MoneyAlertData
  ) {
    super(recipient, locale)
  }

  protected content(t: I18n['t'], i18n: I18n) {
    const locale = i18n.locale
    const alert = this.alert
    const customer = { number: alert.customerNumber, company: alert.companyName }
    const settings = urlFor('account.show', undefined, { prefixUrl: appUrl }) + '#alerts'
    const key = `mail.money_alerts.${alert.kind}`
    const turnOff = t(
      `mail.money_alerts.turn_off_${alert.kind === 'unclosed' ? 'unclosed' : 'differences'}`,
      {
        url: settings,
      }
    )
    if (alert.kind === 'unclosed') {
      const values = {
        ...customer,
        tid: alert.tid,
        days: alert.days,
        since: alert.lastClosedAt ? formatDateTime(alert.lastClosedAt, locale) : '',
      }
      return {
        subject: t(`${key}.subject`, values),
        greeting: t('mail.greeting'),
        paragraphs: [
          t(`${key}.body`, values),
          alert.lastClosedAt ? t(`${key}.last`, values) : t(`${key}.never`, values),
          t(`${key}.guarantee`, values),
        ],
        action: {
          label: t(`${key}.action`),
          url: urlFor('closings.index', undefined, { prefixUrl: appUrl }),
        },
        after: [turnOff],
      }
    }
    const difference = formatMoney(alert.differenceMinor, locale)
    const [values, url] =
      alert.kind === 'closing'
        ? [
            {
              ...customer,
              tid: alert.tid,
              closing: alert.closingNumber,
              date: formatDateTime(alert.closedAt, locale),
              difference,
            },
            urlFor('closings.show', { id: alert.closingId }, { prefixUrl: appUrl }),
          ]
        : [
            {
              ...customer,
              reference: alert.reference,
              date: formatDate(alert.valueDate, locale),
              gross: formatMoney(alert.grossMinor, locale),
              expected: formatMoney(alert.expectedGrossMinor, locale),
              difference,
            },
            urlFor('payouts.show', { id: alert.payoutId }, { prefixUrl: appUrl }),
          ]
    return {
      subject: t(`${key}.subject`, values),
      greeting: t('mail.greeting'),
      paragraphs: [t(`${key}.body`, values), t(`${key}.explain`, values)],
      action: { label: t(`${key}.action`), url },
      after: [turnOff],
    }
  }
}
