import { Worker, type Job } from 'bullmq'
import logger from '@adonisjs/core/services/logger'
import { queueConnection, queuePrefix } from '#services/queue/connection'
import type { QueueName } from '#services/queue/queues'
import { jobsByQueue } from '#services/queue/job_registry'

export type WorkerPoolOptions = {
  queues?: QueueName[]
  concurrency?: Partial<Record<QueueName, number>>
}

/**
 * The BullMQ workers of one worker process. Jobs are dispatched by name to the
 * handlers in job_registry. close() lets running jobs finish for up to
 * `graceMs`, then releases them (BullMQ's stalled-job check hands them to the
 * next worker), so SIGTERM never loses a job and never hangs.
 */
export class WorkerPool {
  readonly workers: Worker[] = []

  start(options: WorkerPoolOptions = {}) {
    const names = options.queues ?? (Object.keys(jobsByQueue) as QueueName[])
    for (const name of names) {
      const handlers = jobsByQueue[name]
      const worker = new Worker(
        name,
        async (job: Job) => {
          const handler = handlers.find((entry) => entry.name === job.name)
          if (!handler) throw new Error(`No handler for job ${name}/${job.name}`)
          return handler.handle(job as never)
        },
        {
          connection: queueConnection,
          prefix: queuePrefix,
          concurrency: options.concurrency?.[name] ?? (name === 'mail' ? 5 : 2),
          lockDuration: 15_000,
          stalledInterval: 10_000,
          maxStalledCount: 3,
        }
      )
      worker.on('failed', (job, error) => {
        logger.warn(
          {
            queue: name,
            job: job?.name,
            id: job?.id,
            attempt: job?.attemptsMade,
            err: error.message,
          },
          'job failed'
        )
        const handler = handlers.find((entry) => entry.name === job?.name)
        const exhausted = job && job.attemptsMade >= (job.opts.attempts ?? 1)
        if (
          job &&
          exhausted &&
          handler &&
          'failed' in handler &&
          typeof handler.failed === 'function'
        ) {
          Promise.resolve(handler.failed(job as never, error)).catch(() => {})
        }
      })
      worker.on('error', (error) =>
        logger.error({ queue: name, err: error.message }, 'worker error')
      )
      this.workers.push(worker)
    }
    return this
  }

  async close(graceMs = 8000) {
    const workers = this.workers.splice(0)
    await Promise.all(
      workers.map(async (worker) => {
        let timer: NodeJS.Timeout | undefined
        const graceful = worker.close().then(() => true)
        const timeout = new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), graceMs)
        })
        const done = await Promise.race([graceful, timeout])
        clearTimeout(timer)
        if (!done) await worker.close(true)
      })
    )
  }
}
