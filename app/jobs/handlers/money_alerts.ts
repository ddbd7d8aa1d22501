import type { JobHandler } from '#services/queue/worker_pool'
import { runMoneyAlerts } from '#services/money/alerts'
import { moneyAlertsJob, type MoneyAlertsPayload } from '#jobs/money_alerts'

/** Mails the money events not mailed yet (app/services/money/alerts.ts). */
export const moneyAlertsHandler = {
  job: moneyAlertsJob,

  async handle() {
    return runMoneyAlerts()
  },
} satisfies JobHandler<MoneyAlertsPayload>
