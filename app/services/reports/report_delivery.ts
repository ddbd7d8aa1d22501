import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import mail from '@adonisjs/mail/services/main'
import logger from '@adonisjs/core/services/logger'
import { enqueue } from '#services/queue/queues'
import { CustomerScope } from '#services/merchant/customer_scope'
import { roleAllows } from '#policies/customer_policy'
import { duePeriods, periodFromKey } from '#services/reports/report_periods'
import { ReportSummaryService } from '#services/reports/report_summary'
import { reportCsv } from '#services/reports/report_csv'
import { sendReportJob, type SendReportPayload } from '#jobs/send_reports'
import ReportMail from '#mails/report_mail'

export type FanOutResult = { periods: string[]; enqueued: number }
export type SendResult = { sent: boolean; reason?: 'gone' | 'inactive' | 'unlinked' | 'done' }

/**
 * Sends the reports by mail (docs/reports.md). Exactly one mail per
 * subscription and period, with any number of workers and scheduler runs:
 * 1. the fan-out adds one job per (subscription, period) with a deterministic
 *    job id, so a second run while BullMQ still knows the job adds nothing;
 * 2. the job claims `report_deliveries (subscription_id, period)` (UNIQUE) in a
 *    transaction that stays open while the mail is queued: a concurrent claim
 *    waits and then fails as a duplicate; if queueing fails, the claim rolls
 *    back and the job's retry sends it (as app/services/money/alerts.ts).
 */
export const ReportDelivery = {
  /** Enqueues the reports due at `at` (the 06:00 run: yesterday, last week on Mondays, last month on the 1st). */
  async fanOut(at: DateTime = DateTime.now()): Promise<FanOutResult> {
    const periods = duePeriods(at)
    let enqueued = 0
    for (const period of periods) {
      const subscriptions = await db
        .from('report_subscriptions')
        .where('frequency', period.frequency)
        .whereNotExists((done) =>
          done
            .from('report_deliveries')
            .whereColumn('report_deliveries.subscription_id', 'report_subscriptions.id')
            .where('report_deliveries.period', period.key)
            .select(db.raw('1'))
        )
        .orderBy('id')
        .select('id')
      for (const row of subscriptions) {
        const payload: SendReportPayload = { subscriptionId: Number(row.id), period: period.key }
        await enqueue(sendReportJob.queue, sendReportJob.name, payload, {
          ...sendReportJob.options,
          jobId: sendReportJob.jobId(payload),
        })
        enqueued++
      }
    }
    return { periods: periods.map((period) => period.key), enqueued }
  },

  /** Sends one subscription's report of one period, unless it went out already. */
  async sendOne(payload: SendReportPayload): Promise<SendResult> {
    const period = periodFromKey(payload.period)
    const subscription = await db
      .from('report_subscriptions')
      .join('users', 'users.id', 'report_subscriptions.user_id')
      .where('report_subscriptions.id', payload.subscriptionId)
      .select(
        'report_subscriptions.id',
        'report_subscriptions.user_id',
        'report_subscriptions.customer_id',
        'report_subscriptions.frequency',
        'users.email',
        'users.locale',
        'users.state'
      )
      .first()
    if (!subscription || !period || period.frequency !== subscription.frequency) {
      return { sent: false, reason: 'gone' }
    }
    if (subscription.state !== 'active') return { sent: false, reason: 'inactive' }
    /* the role of today, not of the day of subscribing; a withheld (two-factor) customer is no link */
    const customer = (await CustomerScope.linkedCustomers(Number(subscription.user_id))).find(
      (linked) => linked.id === Number(subscription.customer_id)
    )
    if (!customer) return { sent: false, reason: 'unlinked' }
    if (await delivered(payload)) return { sent: false, reason: 'done' }

    const locale = String(subscription.locale || 'de')
    const summary = await ReportSummaryService.compute(customer.id, period, {
      payouts: roleAllows(customer.role, 'viewPayouts'),
      invoices: roleAllows(customer.role, 'viewInvoices'),
    })
    /* the CSV is the portal's export: only for a role that may export */
    const csv = roleAllows(customer.role, 'export')
      ? await reportCsv(customer, period, locale)
      : null
    const message = new ReportMail(subscription.email, locale, {
      subscriptionId: Number(subscription.id),
      customerNumber: customer.customerNumber,
      companyName: customer.companyName,
      period,
      summary,
      csv:
        csv === null
          ? null
          : 'tooLarge' in csv
            ? csv
            : { filename: csv.filename, base64: csv.content.toString('base64') },
    })
    const sent = await db.transaction(async (trx) => {
      try {
        await trx.table('report_deliveries').insert({
          subscription_id: payload.subscriptionId,
          period: period.key,
          created_at: DateTime.utc().toFormat('yyyy-MM-dd HH:mm:ss'),
        })
      } catch (error) {
        if (isDuplicateKey(error)) return false
        throw error
      }
      /* one delivery: a retry after the commit failed does not queue it again */
      await mail.sendLater(message.once(`report/${payload.subscriptionId}/${period.key}`))
      return true
    })
    if (sent)
      logger.info({ subscription: payload.subscriptionId, period: period.key }, 'report sent')
    return sent ? { sent: true } : { sent: false, reason: 'done' }
  },
}

async function delivered(payload: SendReportPayload) {
  const row = await db
    .from('report_deliveries')
    .where('subscription_id', payload.subscriptionId)
    .where('period', payload.period)
    .first()
  return Boolean(row)
}

function isDuplicateKey(error: unknown) {
  const code = (error as { code?: string })?.code
  return code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE'
}
