import type { Job } from 'bullmq'
import type { JobHandler } from '#services/queue/worker_pool'
import { BillingPeriod } from '#services/invoices/billing_period'
import { InvoiceRunService } from '#services/invoices/invoice_run_service'
import { startInvoiceRunJob, type StartInvoiceRunPayload } from '#jobs/start_invoice_run'

/** Starts (or resumes) the run of the job's period, or of the month before the schedule's date. */
export const startInvoiceRunHandler = {
  job: startInvoiceRunJob,

  async handle(job: Job<StartInvoiceRunPayload>) {
    const period = job.data.period
      ? BillingPeriod.parse(job.data.period)
      : startInvoiceRunJob.periodOf(job)
    if (!period) throw new Error(`invalid period ${job.data.period}`)
    const run = await new InvoiceRunService().start(period, job.data.triggeredBy ?? 'scheduler')
    return { runId: run.id, period: period.key }
  },
} satisfies JobHandler<StartInvoiceRunPayload>
