import type { Job } from 'bullmq'
import { DateTime } from 'luxon'
import type { JobHandler } from '#services/queue/worker_pool'
import { ReportDelivery } from '#services/reports/report_delivery'
import { scheduledTime } from '#services/queue/scheduled_time'
import {
  sendReportJob,
  sendReportsJob,
  type SendReportPayload,
  type SendReportsPayload,
} from '#jobs/send_reports'

/**
 * The daily run: fans out the due reports. A scheduled run counts from the
 * time it was due (creation + delay), so a run that starts late after midnight
 * still reports the day it was meant for.
 */
export const sendReportsHandler = {
  job: sendReportsJob,

  async handle(job: Job<SendReportsPayload>) {
    const at = job.data.at ? DateTime.fromISO(job.data.at) : scheduledTime(job)
    return ReportDelivery.fanOut(at.isValid ? at : DateTime.now())
  },
} satisfies JobHandler<SendReportsPayload>

/** One report of one subscription and period (sent at most once: `report_deliveries`). */
export const sendReportHandler = {
  job: sendReportJob,

  async handle(job: Job<SendReportPayload>) {
    return ReportDelivery.sendOne(job.data)
  },
} satisfies JobHandler<SendReportPayload>
