import { getQueue } from '#services/queue/queues'
import { retentionJob } from '#jobs/retention'

/**
 * Registers the daily retention run (03:30 Europe/Berlin). Upserting a scheduler
 * with a fixed id is idempotent: every worker may call this at start, and there
 * is still exactly one schedule.
 */
export async function registerRetentionScheduler() {
  await getQueue(retentionJob.queue).upsertJobScheduler(
    retentionJob.schedulerId,
    { pattern: retentionJob.cron, tz: retentionJob.tz },
    {
      name: retentionJob.name,
      data: { triggeredBy: 'scheduler' },
      opts: retentionJob.options,
    }
  )
}
