export type RetentionPayload = { triggeredBy?: string }

/**
 * The daily retention run (`handlers/retention.ts` → `runRetention`): anonymises
 * IP addresses and user agents older than `RETENTION_IP_DAYS`, deletes expired
 * one-time tokens, registrations never confirmed within `RETENTION_UNVERIFIED_DAYS`
 * and expired data exports (docs/retention.md). Also the schedule, 03:30 Berlin,
 * on the `money` queue (the light scheduled work; a worker started for `mail` or
 * `invoices` only neither registers nor runs it). Idempotent: a second run on the
 * same day, or two workers at once, find nothing left to do.
 */
export const retentionJob = {
  queue: 'money' as const,
  name: 'retention',
  /** the scheduler's id: upserting it again replaces, never duplicates */
  schedulerId: 'daily-retention',
  cron: '30 3 * * *',
  tz: 'Europe/Berlin',
  options: {
    attempts: 3,
    backoff: { type: 'exponential' as const, delay: 60_000 },
    removeOnComplete: { age: 7 * 24 * 3600 },
    removeOnFail: { age: 30 * 24 * 3600 },
  },
}
