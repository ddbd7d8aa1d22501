import type { Job } from 'bullmq'
import { scheduledTime } from '#services/queue/scheduled_time'
import { BillingPeriod } from '#services/invoices/billing_period'

export type StartInvoiceRunPayload = { period?: string; triggeredBy?: string }

/**
 * Starts the run for a period (default: the previous month); fans out one job
 * per customer (`handlers/start_invoice_run.ts`). Also the monthly schedule.
 */
export const startInvoiceRunJob = {
  queue: 'invoices' as const,
  name: 'start_invoice_run',
  /** the scheduler's id: upserting it again replaces, never duplicates */
  schedulerId: 'monthly-invoice-run',
  cron: '0 3 1 * *',
  tz: 'Europe/Berlin',
  options: {
    attempts: 5,
    backoff: { type: 'exponential' as const, delay: 5000 },
    removeOnComplete: { age: 90 * 24 * 3600 },
    removeOnFail: { age: 90 * 24 * 3600 },
  },

  /**
   * The scheduler's job carries no period: it bills the month before the time it
   * was due (`scheduledTime`), whenever a worker gets to run it.
   */
  periodOf(job: Job<StartInvoiceRunPayload>) {
    return BillingPeriod.previous(scheduledTime(job))
  },
}
