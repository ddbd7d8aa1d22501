import app from '@adonisjs/core/services/app'
import { Queue, type JobsOptions } from 'bullmq'
import { queueConnection, queuePrefix } from '#services/queue/connection'
import { within } from '#services/process/time_limit'

/* mail: every mail; invoices: the monthly run; money: the money alerts' schedule (issue 16) */
export const QUEUE_NAMES = ['mail', 'invoices', 'money'] as const
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

/** Closes every Queue of this process; waits at most `waitMs` (Redis may be unreachable). */
export async function closeQueues(waitMs = 1000) {
  const open = [...queues.values()]
  queues.clear()
  await within(Promise.allSettled(open.map((queue) => queue.close())), waitMs)
}

app.terminating(async () => {
  await closeQueues()
})
