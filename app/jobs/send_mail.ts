import type { MessageBodyTemplates, NodeMailerMessage } from '@adonisjs/mail/types'

export type SendMailPayload = {
  mailer: string
  mailMessage: { message: NodeMailerMessage; views: MessageBodyTemplates }
  sendConfig?: unknown
}

/**
 * Sends one compiled mail over SMTP (`handlers/send_mail.ts`). Retried with
 * exponential backoff, so a mail survives an SMTP outage; the payload is
 * dropped once it has been sent.
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
}
