import type { InvoiceMailData } from '#mails/invoice_issued_mail'
import { MAIL_BACKOFF } from '#services/queue/backoff'

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
    /* about a day of SMTP outage: doubling from 1 s, then every 15 min (queue/backoff.ts) */
    attempts: 100,
    backoff: { type: MAIL_BACKOFF },
    removeOnComplete: { age: 90 * 24 * 3600 },
    removeOnFail: { age: 90 * 24 * 3600 },
  },
}
