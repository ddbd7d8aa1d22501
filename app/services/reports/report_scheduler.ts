import { enqueue, getQueue } from '#services/queue/queues'
import { keepSchedule } from '#services/queue/schedules'
import { sendReportsJob, type SendReportsPayload } from '#jobs/send_reports'

/**
 * Registers the daily 06:00 (Berlin) reports run. Upserting a scheduler with
 * a fixed id is idempotent: every worker may call this at start, and there is
 * still exactly one schedule.
 */
export async function registerReportsScheduler() {
  await keepSchedule(
    getQueue(sendReportsJob.queue),
    sendReportsJob.schedulerId,
    { pattern: sendReportsJob.cron, tz: sendReportsJob.tz },
    { name: sendReportsJob.name, data: { triggeredBy: 'scheduler' }, opts: sendReportsJob.options }
  )
}

/** Runs the reports now, as if it were `at` (an operator's catch-up run, and the tests). */
export async function triggerReports(at?: string) {
  const payload: SendReportsPayload = { triggeredBy: 'manual', at }
  return enqueue(sendReportsJob.queue, sendReportsJob.name, payload, sendReportsJob.options)
}
