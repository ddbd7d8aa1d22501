import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { SmtpSink } from '#demo/smtp_sink'
import { WorkerPool } from '#services/queue/worker_pool'
import { jobsByQueue } from '#jobs/handlers/index'
import { getQueue, QUEUE_NAMES, closeQueues } from '#services/queue/queues'

/** The SMTP sink every test reads mails from (the real SMTP path: queue → worker → SMTP). */
export const smtpSink = new SmtpSink({ port: env.get('SMTP_PORT'), host: env.get('SMTP_HOST') })

export let workerPool: WorkerPool | undefined

export async function startTestServices() {
  for (const name of QUEUE_NAMES) await getQueue(name).obliterate({ force: true })
  await smtpSink.start()
  workerPool = new WorkerPool(jobsByQueue).start()
  app.terminating(async () => {
    await workerPool?.close(2000)
    await closeQueues()
    if (smtpSink.running) await smtpSink.stop()
  })
}

export async function stopTestServices() {
  await workerPool?.close(2000)
  workerPool = undefined
  if (smtpSink.running) await smtpSink.stop()
}
