import { getQueue } from '#services/queue/queues'
import { keepSchedule } from '#services/queue/schedules'
import { retentionJob } from '#jobs/retention'

/**
 * Registers the daily retention run (03:30 Europe/Berlin). Upserting a scheduler
 * with a fixed id is idempotent: every worker may call this at start, and there
 * is still exactly one schedule.
 */
export async function registerRetentionScheduler() {
  await keepSchedule(
    getQueue(retentionJob.queue),
    retentionJob.schedulerId,
    { pattern: retentionJob.cron, tz: retentionJob.tz },
    {
      name: retentionJob.name,
      data: { triggeredBy: 'scheduler' },
      opts: retentionJob.options,
    }
  )
}
