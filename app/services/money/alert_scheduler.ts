import { getQueue } from '#services/queue/queues'
import { keepSchedule } from '#services/queue/schedules'
import { moneyAlertsJob } from '#jobs/money_alerts'

/**
 * Registers the money alerts every 15 minutes. Registering a scheduler with a
 * fixed id is idempotent: every worker may call this at start, and there is
 * still exactly one schedule.
 */
export async function registerMoneyAlertsScheduler() {
  await keepSchedule(
    getQueue(moneyAlertsJob.queue),
    moneyAlertsJob.schedulerId,
    { pattern: moneyAlertsJob.cron, tz: moneyAlertsJob.tz },
    {
      name: moneyAlertsJob.name,
      data: { triggeredBy: 'scheduler' },
      opts: moneyAlertsJob.options,
    }
  )
}
