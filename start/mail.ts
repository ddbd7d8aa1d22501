/*
| Every mail goes through the BullMQ mail queue: `mail.sendLater(...)` in the web
| process enqueues, the worker (`node ace queue:work`) sends.
*/
import mail from '@adonisjs/mail/services/main'
import { enqueue } from '#services/queue/queues'
import { sendMailJob, type SendMailPayload } from '#jobs/send_mail'

mail.setMessenger((mailer) => ({
  async queue(mailMessage, sendConfig) {
    const payload: SendMailPayload = { mailer: mailer.name, mailMessage, sendConfig }
    await enqueue(sendMailJob.queue, sendMailJob.name, payload, sendMailJob.options)
  },
}))
