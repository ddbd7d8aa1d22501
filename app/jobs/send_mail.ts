import type { Job } from 'bullmq'
import mail from '@adonisjs/mail/services/main'
import type { MessageBodyTemplates, NodeMailerMessage } from '@adonisjs/mail/types'

export type SendMailPayload = {
  mailer: string
  mailMessage: { message: NodeMailerMessage; views: MessageBodyTemplates }
  sendConfig?: unknown
}

/**
 * Sends one compiled mail over SMTP. Retried with exponential backoff, so a
 * mail survives an SMTP outage; the payload is dropped once it has been sent.
 */
export const sendMailJob = {
  queue: 'mail' as const,
  name: 'send_mail',
  options: {
    attempts: 10,
    backoff: { type: 'exponential' as const, delay: 1000 },
    removeOnComplete: true,
    removeOnFail: { age: 7 * 24 * 3600 },
  },

  async handle(job: Job<SendMailPayload>) {
    const { mailer, mailMessage, sendConfig } = job.data
    await mail.use(mailer as any).sendCompiled(mailMessage, sendConfig)
  },
}
