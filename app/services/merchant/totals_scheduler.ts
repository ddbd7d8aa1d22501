import { getQueue } from '#services/queue/queues'
import { keepSchedule } from '#services/queue/schedules'
import { totalsRollupJob } from '#jobs/totals_rollup'

/**
 * Registers the totals rollup every 5 seconds. Registering a scheduler with a
 * fixed id is idempotent: every worker may call this at start.
 */
export async function registerTotalsRollupScheduler() {
  await keepSchedule(
    getQueue(totalsRollupJob.queue),
    totalsRollupJob.schedulerId,
    { every: totalsRollupJob.everyMs },
    {
      name: totalsRollupJob.name,
      data: { triggeredBy: 'scheduler' },
      opts: totalsRollupJob.options,
    }
  )
}
