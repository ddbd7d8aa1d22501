export type SendReportsPayload = { triggeredBy?: string; at?: string }
export type SendReportPayload = { subscriptionId: number; period: string }

/**
 * The daily run of the reports by mail (docs/reports.md): at 06:00 Berlin it
 * looks which periods are due (yesterday; last week on Mondays; last month on
 * the 1st) and fans out one `send_report` per subscription and period
 * (`handlers/send_reports.ts`). On the `money` queue: the reports summarise the
 * money flow, and a worker for `mail` only neither registers nor runs them.
 */
export const sendReportsJob = {
  queue: 'money' as const,
  name: 'send_reports',
  /** the scheduler's id: upserting it again replaces, never duplicates */
  schedulerId: 'send-reports',
  cron: '0 6 * * *',
  tz: 'Europe/Berlin',
  options: {
    attempts: 3,
    backoff: { type: 'exponential' as const, delay: 30_000 },
    removeOnComplete: { age: 7 * 24 * 3600 },
    removeOnFail: { age: 30 * 24 * 3600 },
  },
}

/**
 * One report: one subscription, one period. Its job id is deterministic
 * (`report.<subscription>.<period>`), so a second fan-out adds nothing while the
 * first job is known to BullMQ; the `report_deliveries` row guards beyond that.
 */
export const sendReportJob = {
  queue: 'money' as const,
  name: 'send_report',
  jobId: (payload: SendReportPayload) => `report.${payload.subscriptionId}.${payload.period}`,
  options: {
    attempts: 5,
    backoff: { type: 'exponential' as const, delay: 30_000 },
    removeOnComplete: { age: 40 * 24 * 3600 },
    removeOnFail: { age: 40 * 24 * 3600 },
  },
}
