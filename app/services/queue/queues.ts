import app from '@adonisjs/core/services/app'
import { Queue, type JobsOptions } from 'bullmq'
import { queueConnection, queuePrefix } from '#services/queue/connection'

export const QUEUE_NAMES = ['mail', 'invoices'] as const
export type QueueName = (typeof QUEUE_NAMES)[number]

const queues = new Map<QueueName, Queue>()

/** The one Queue instance per name in this process (opened lazily, closed on shutdown). */
export function getQueue(name: QueueName): Queue {
  let queue = queues.get(name)
  if (!queue) {
    queue = new Queue(name, { connection: queueConnection, prefix: queuePrefix })
    queue.on('error', () => {})
    queues.set(name, queue)
  }
  return queue
}

export async function enqueue(
  name: QueueName,
  jobName: string,
  data: unknown,
  options: JobsOptions = {}
) {
  return getQueue(name).add(jobName, data, options)
}

export async function closeQueues() {
  const open = [...queues.values()]
  queues.clear()
  await Promise.allSettled(open.map((queue) => queue.close()))
}

app.terminating(async () => {
  await closeQueues()
})
