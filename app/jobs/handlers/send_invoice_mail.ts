import type { Job } from 'bullmq'
import mail from '@adonisjs/mail/services/main'
import type { JobHandler } from '#services/queue/worker_pool'
import InvoiceIssuedMail from '#mails/invoice_issued_mail'
import { sendInvoiceMailJob, type SendInvoiceMailPayload } from '#jobs/send_invoice_mail'

/** Sends the "new invoice" mail to one recipient, directly over SMTP. */
export const sendInvoiceMailHandler = {
  job: sendInvoiceMailJob,

  async handle(job: Job<SendInvoiceMailPayload>) {
    const { recipient, locale, invoice } = job.data
    await mail.send(new InvoiceIssuedMail(recipient, locale, invoice))
  },
} satisfies JobHandler<SendInvoiceMailPayload>
