import type { Job } from 'bullmq'
import type { JobHandler } from '#services/queue/worker_pool'
import { InvoiceRunService } from '#services/invoices/invoice_run_service'
import { generateInvoiceJob, type GenerateInvoicePayload } from '#jobs/generate_invoice'

/** Issues one customer's invoice; once its attempts are used up, the item shows as failed. */
export const generateInvoiceHandler = {
  job: generateInvoiceJob,

  async handle(job: Job<GenerateInvoicePayload>) {
    return new InvoiceRunService().processItem(job.data)
  },

  async failed(job: Job<GenerateInvoicePayload>, error: Error) {
    await new InvoiceRunService().markFailed(job.data, error)
  },
} satisfies JobHandler<GenerateInvoicePayload>
