import type { Job } from 'bullmq'
import mail from '@adonisjs/mail/services/main'
import type { JobHandler } from '#services/queue/worker_pool'
import { sendMailJob, type SendMailPayload } from '#jobs/send_mail'

/** Sends one compiled mail over SMTP. */
export const sendMailHandler = {
  job: sendMailJob,

  async handle(job: Job<SendMailPayload>) {
    const { mailer, mailMessage, sendConfig } = job.data
    await mail.use(mailer as any).sendCompiled(mailMessage, sendConfig)
  },
} satisfies JobHandler<SendMailPayload>
