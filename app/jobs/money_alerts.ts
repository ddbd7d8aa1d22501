export type MoneyAlertsPayload = { triggeredBy?: string }

/**
 * Looks for money events worth a mail (a terminal without a Kassenschnitt for
 * 5 days, a closing or payout with a difference) and mails each once
 * (`handlers/money_alerts.ts` → `runMoneyAlerts`). Also the 15-minute
 * schedule, on a queue of its own, so a worker started for `mail` or
 * `invoices` only neither registers nor runs it; the mails themselves go
 * through the mail queue. Idempotent per event (`money_alerts.event_key`), so
 * overlapping runs on several workers are harmless.
 */
export const moneyAlertsJob = {
  queue: 'money' as const,
  name: 'money_alerts',
  /** the scheduler's id: upserting it again replaces, never duplicates */
  schedulerId: 'money-alerts',
  cron: '*/15 * * * *',
  tz: 'Europe/Berlin',
  options: {
    attempts: 3,
    backoff: { type: 'exponential' as const, delay: 10_000 },
    removeOnComplete: { age: 24 * 3600 },
    removeOnFail: { age: 7 * 24 * 3600 },
  },
}
