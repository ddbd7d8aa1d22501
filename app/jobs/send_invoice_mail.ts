import type { InvoiceMailData } from '#mails/invoice_issued_mail'

export type SendInvoiceMailPayload = { recipient: string; locale: string; invoice: InvoiceMailData }

/**
 * The "new invoice" mail to one recipient. Enqueued after the invoice is issued
 * with a job id per invoice and recipient, so a retried invoice job never sends
 * it twice; sent directly over SMTP with retries and backoff
 * (`handlers/send_invoice_mail.ts`).
 */
export const sendInvoiceMailJob = {
  queue: 'invoices' as const,
  name: 'send_invoice_mail',
  options: {
    attempts: 10,
    backoff: { type: 'exponential' as const, delay: 2000 },
    removeOnComplete: { age: 90 * 24 * 3600 },
    removeOnFail: { age: 90 * 24 * 3600 },
  },
}
