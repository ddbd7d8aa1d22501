import type { Job } from 'bullmq'
import { InvoiceRunService } from '#services/invoices/invoice_run_service'

export type GenerateInvoicePayload = { runId: number; customerId: number; period: string }

/** One customer's invoice for one period; idempotent, so retries and duplicates are harmless. */
export const generateInvoiceJob = {
  queue: 'invoices' as const,
  name: 'generate_invoice',
  options: {
    attempts: 5,
    backoff: { type: 'exponential' as const, delay: 2000 },
    removeOnComplete: { age: 30 * 24 * 3600 },
    removeOnFail: { age: 90 * 24 * 3600 },
  },

  /** deterministic: the same customer and period is queued at most once at a time */
  jobId(period: string, customerId: number) {
    return `invoice-${period}-${customerId}`
  },

  async handle(job: Job<GenerateInvoicePayload>) {
    return new InvoiceRunService().processItem(job.data)
  },

  async failed(job: Job<GenerateInvoicePayload>, error: Error) {
    await new InvoiceRunService().markFailed(job.data, error)
  },
}
