export type GenerateInvoicePayload = { runId: number; customerId: number; period: string }

/**
 * One customer's invoice for one period; idempotent, so retries and duplicates
 * are harmless. The descriptor services enqueue with; the worker runs
 * `handlers/generate_invoice.ts`.
 */
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
}
