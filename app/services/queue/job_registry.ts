import type { Job } from 'bullmq'
import type { QueueName } from '#services/queue/queues'
import { sendMailJob } from '#jobs/send_mail'
import { startInvoiceRunJob } from '#jobs/start_invoice_run'
import { generateInvoiceJob } from '#jobs/generate_invoice'
import { sendInvoiceMailJob } from '#jobs/send_invoice_mail'

export type JobDefinition = {
  name: string
  handle(job: Job): Promise<unknown>
  failed?(job: Job, error: Error): Promise<unknown> | unknown
}

/** Which handlers each queue's worker runs. Add a job here when you add a file under app/jobs. */
export const jobsByQueue: Record<QueueName, JobDefinition[]> = {
  mail: [sendMailJob],
  invoices: [startInvoiceRunJob, generateInvoiceJob, sendInvoiceMailJob],
}
