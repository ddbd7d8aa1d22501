import { Worker, WaitingError, type Job } from 'bullmq'
import logger from '@adonisjs/core/services/logger'
import { queueConnection, queuePrefix } from '#services/queue/connection'
import type { QueueName } from '#services/queue/queues'
import { jobsByQueue } from '#services/queue/job_registry'

export type WorkerPoolOptions = {
  queues?: QueueName[]
  concurrency?: Partial<Record<QueueName, number>>
}

type RunningJob = { job: Job; token?: string; release: () => void }

const RELEASED = Symbol('released')

/**
 * The BullMQ workers of one worker process. Jobs are dispatched by name to the
 * handlers in job_registry. close() lets running jobs finish for up to
 * `graceMs`, then releases them: each goes back to the wait list at once (no
 * attempt counted) and the next worker runs it again, so SIGTERM never loses a
 * job and never hangs. (BullMQ's own close(true) cannot do this once a graceful
 * close is under way: it returns the same pending promise.)
 */
export class WorkerPool {
  readonly workers: Worker[] = []
  readonly #running = new Set<RunningJob>()

  start(options: WorkerPoolOptions = {}) {
    const names = options.queues ?? (Object.keys(jobsByQueue) as QueueName[])
    for (const name of names) {
      const handlers = jobsByQueue[name]
      const worker = new Worker(
        name,
        async (job: Job, token?: string) => {
          const handler = handlers.find((entry) => entry.name === job.name)
          if (!handler) throw new Error(`No handler for job ${name}/${job.name}`)
          return this.#track(job, token, handler.handle(job as never))
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

  /**
   * Closes every worker: running jobs get `graceMs` to finish; the ones still
   * running then are released back to the queue. Returns how many were released.
   */
  async close(graceMs = 6000) {
    const workers = this.workers.splice(0)
    const closing = Promise.allSettled(workers.map((worker) => worker.close()))
    let timer: NodeJS.Timeout | undefined
    const finished = await Promise.race([
      closing.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs))),
    ])
    clearTimeout(timer)
    if (finished) return { released: 0 }

    const running = [...this.#running]
    await Promise.allSettled(
      running.map(async (entry) => {
        await entry.job.moveToWait(entry.token)
        entry.release()
      })
    )
    logger.warn(
      { jobs: running.map((entry) => `${entry.job.queueName}/${entry.job.name}#${entry.job.id}`) },
      'released running jobs on shutdown'
    )
    await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 2000).unref())])
    return { released: running.length }
  }

  /** Runs a handler so that close() can release its job if it outlives the grace period. */
  async #track(job: Job, token: string | undefined, work: Promise<unknown>) {
    let release!: () => void
    const released = new Promise<typeof RELEASED>((resolve) => (release = () => resolve(RELEASED)))
    const entry = { job, token, release }
    this.#running.add(entry)
    try {
      const result = await Promise.race([work, released])
      /* tells BullMQ the job went back to the wait list: not a failure */
      if (result === RELEASED) throw new WaitingError('released on shutdown')
      return result
    } finally {
      this.#running.delete(entry)
    }
  }
}
