import type { I18n } from '@adonisjs/i18n'
import PortalMail from '#mails/portal_mail'
import { signedUrlFor, urlFor } from '@adonisjs/core/services/url_builder'
import { appUrl } from '#config/app'
import { formatDate, formatMoney } from '#services/format/formatters'
import type { ReportPeriod } from '#services/reports/report_periods'
import { UNSUBSCRIBE_PURPOSE } from '#services/reports/subscription_service'
import type { ReportSummary } from '#services/reports/report_summary'

export type ReportMailData = {
  subscriptionId: number
  customerNumber: string
  companyName: string
  period: ReportPeriod
  summary: ReportSummary
  /** the period's transactions CSV (base64: the compiled mail waits as JSON in Redis) */
  csv: { filename: string; base64: string } | { filename: string; tooLarge: true } | null
}

/**
 * The daily, weekly or monthly summary of one customer (docs/reports.md), in
 * the recipient's language, with the period's transactions CSV attached and a
 * one-click unsubscribe link (also as `List-Unsubscribe` header).
 */
export default class ReportMail extends PortalMail {
  constructor(
    recipient: string,
    locale: string,
    protected report: ReportMailData
  ) {
    super(recipient, locale)
  }

  async prepare() {
    await super.prepare()
    const csv = this.report.csv
    if (csv && 'base64' in csv) {
      this.message.nodeMailerMessage.attachments = [
        {
          filename: csv.filename,
          content: csv.base64,
          encoding: 'base64',
          contentType: 'text/csv; charset=utf-8',
        },
      ]
    }
    this.message.header('List-Unsubscribe', `<${this.unsubscribeUrl()}>`)
    this.message.header('List-Unsubscribe-Post', 'List-Unsubscribe=One-Click')
  }

  /** The signed one-click link (no login, never expires; removing a removed subscription is harmless). */
  protected unsubscribeUrl() {
    return signedUrlFor(
      'reports.unsubscribe',
      { id: this.report.subscriptionId },
      { prefixUrl: appUrl, purpose: UNSUBSCRIBE_PURPOSE }
    )
  }

  /** The period's transactions in the portal (login required). */
  protected portalUrl() {
    const { period, customerNumber } = this.report
    return urlFor('transactions.index', undefined, {
      prefixUrl: appUrl,
      qs: { from: period.from, to: period.to, customer: customerNumber },
    })
  }

  protected content(t: I18n['t'], i18n: I18n) {
    const locale = i18n.locale
    const { summary, period } = this.report
    const money = (minor: number) => formatMoney(minor, locale)
    const range =
      period.from === period.to
        ? formatDate(period.from, locale)
        : `${formatDate(period.from, locale)} – ${formatDate(period.to, locale)}`
    const name = `${this.report.customerNumber} – ${this.report.companyName}`
    const paragraphs = [
      t('reports.mail.intro', {
        frequency: t(`reports.mail.kinds.${period.frequency}`),
        range,
        name,
      }),
      t('reports.mail.turnover', {
        amount: money(summary.turnoverMinor),
        count: summary.transactions,
      }),
      ...summary.byBrand.map((row) =>
        t('reports.mail.brand_line', {
          brand: t(`transactions.brands.${row.brand}`),
          amount: money(row.netMinor),
          count: row.count,
        })
      ),
      t('reports.mail.closings', {
        count: summary.closings.count,
        amount: money(summary.closings.netMinor),
        differences: summary.closings.withDifference,
        difference: money(summary.closings.differenceMinor),
      }),
    ]
    if (summary.payouts) {
      paragraphs.push(
        t('reports.mail.payouts', {
          count: summary.payouts.lines.length,
          gross: money(summary.payouts.grossMinor),
          fees: money(summary.payouts.feesMinor),
          net: money(summary.payouts.netMinor),
        }),
        ...summary.payouts.lines.map((line) =>
          t('reports.mail.payout_line', {
            reference: line.reference,
            date: formatDate(line.valueDate, locale),
            gross: money(line.grossMinor),
            fees: money(line.feesMinor),
            net: money(line.netMinor),
            status: t(`reports.mail.payout_statuses.${line.status}`),
          })
        )
      )
    }
    if (summary.invoices) {
      paragraphs.push(
        t('reports.mail.invoices', {
          count: summary.invoices.lines.length,
          amount: money(summary.invoices.grossMinor),
        }),
        ...summary.invoices.lines.map((line) =>
          t('reports.mail.invoice_line', {
            number: line.number,
            date: formatDate(line.issueDate, locale),
            amount: money(line.grossMinor),
          })
        )
      )
    }
    const csv = this.report.csv
    paragraphs.push(
      csv === null
        ? t('reports.mail.no_csv')
        : 'tooLarge' in csv
          ? t('reports.mail.csv_too_large')
          : t('reports.mail.csv_attached', { filename: csv.filename })
    )
    return {
      subject: t('reports.mail.subject', {
        frequency: t(`reports.mail.kinds.${period.frequency}`),
        range,
        customer: this.report.customerNumber,
      }),
      greeting: t('mail.greeting'),
      paragraphs,
      action: { label: t('reports.mail.action'), url: this.portalUrl() },
      after: [t('reports.mail.unsubscribe', { url: this.unsubscribeUrl() })],
    }
  }
}
