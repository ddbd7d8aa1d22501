import { getQueue } from '#services/queue/queues'
import { keepSchedule } from '#services/queue/schedules'
import { startInvoiceRunJob } from '#jobs/start_invoice_run'

/**
 * Registers the monthly run (1st of the month, 03:00 Europe/Berlin). Upserting
 * a scheduler with a fixed id is idempotent: every worker may call this at
 * start, and there is still exactly one schedule and one run per month.
 */
export async function registerInvoiceScheduler() {
  await keepSchedule(
    getQueue(startInvoiceRunJob.queue),
    startInvoiceRunJob.schedulerId,
    { pattern: startInvoiceRunJob.cron, tz: startInvoiceRunJob.tz },
    {
      name: startInvoiceRunJob.name,
      data: { triggeredBy: 'scheduler' },
      opts: startInvoiceRunJob.options,
    }
  )
}
