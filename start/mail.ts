/*
| Every mail goes through the BullMQ mail queue: `mail.sendLater(...)` in the web
| process enqueues, the worker (`node ace queue:work`) sends.
*/
import { createHash } from 'node:crypto'
import mail from '@adonisjs/mail/services/main'
import { enqueue } from '#services/queue/queues'
import { sendMailJob, type SendMailPayload } from '#jobs/send_mail'

/*
| A mail with a Message-ID of its own (`PortalMail.once`) is one delivery: its job id
| comes from the Message-ID, BullMQ ignores a second `add` with the same id, and the
| finished job is kept for a day so a retried run cannot send it again.
*/
const ONCE_KEEP_SECONDS = 24 * 3600

mail.setMessenger((mailer) => ({
  async queue(mailMessage, sendConfig) {
    const payload: SendMailPayload = { mailer: mailer.name, mailMessage, sendConfig }
    const messageId = mailMessage.message.messageId
    const options = messageId
      ? {
          ...sendMailJob.options,
          jobId: `mail-${createHash('sha256').update(messageId).digest('hex').slice(0, 40)}`,
          removeOnComplete: { age: ONCE_KEEP_SECONDS },
        }
      : sendMailJob.options
    await enqueue(sendMailJob.queue, sendMailJob.name, payload, options)
  },
}))
