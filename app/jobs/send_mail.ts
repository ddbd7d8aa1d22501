import type { MessageBodyTemplates, NodeMailerMessage } from '@adonisjs/mail/types'
import { MAIL_BACKOFF } from '#services/queue/backoff'

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
    /* about a day of SMTP outage: doubling from 1 s, then every 15 min (queue/backoff.ts) */
    attempts: 100,
    backoff: { type: MAIL_BACKOFF },
    removeOnComplete: true,
    removeOnFail: { age: 7 * 24 * 3600 },
  },
}
