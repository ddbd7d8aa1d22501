import { Worker, WaitingError, type Job } from 'bullmq'
import logger from '@adonisjs/core/services/logger'
import { queueConnection, queuePrefix } from '#services/queue/connection'
import { QUEUE_NAMES, type QueueName } from '#services/queue/queues'
import { within } from '#services/process/time_limit'
import { backoffStrategy } from '#services/queue/backoff'

/**
 * What a worker runs for one job: the job's descriptor (its queue and name),
 * the handler, and optionally what to do once its attempts are used up.
 */
export type JobHandler<Payload = any> = {
  job: { queue: QueueName; name: string }
  handle(job: Job<Payload>): Promise<unknown>
  failed?(job: Job<Payload>, error: Error): Promise<unknown> | unknown
}

/** The handlers each queue's worker runs (the registry is app/jobs/handlers/index.ts). */
export type JobHandlers = Record<QueueName, JobHandler[]>

export type WorkerPoolOptions = {
  queues?: QueueName[]
  concurrency?: Partial<Record<QueueName, number>>
}

type RunningJob = { job: Job; token?: string; release: () => void }
export type CloseResult = { released: number; unreleased: number }

const RELEASED = Symbol('released')
/** Upper bound for giving jobs back to Redis on shutdown (Redis may be gone). */
const RELEASE_MS = 2000
/** Upper bound for BullMQ to record finished jobs and close its connections. */
const DISCONNECT_MS = 1500

/**
 * The BullMQ workers of one worker process. Jobs are dispatched by name to the
 * handlers it is given (app/jobs/handlers/index.ts). close() stops fetching on every queue at once, lets
 * running jobs finish for up to `graceMs`, then releases them: each goes back to
 * the wait list at once (no attempt counted) and the next worker runs it again.
 * Every step is bounded, so close() returns in graceMs + 3.5 s at most even
 * with Redis unreachable. A job that still arrives once closing has begun (a
 * fetch already on its way) is not run: it goes straight back to the wait list.
 * (BullMQ's own close(true) cannot release: once a graceful close is under way
 * it returns the same pending promise.)
 */
export class WorkerPool {
  readonly workers: Worker[] = []
  readonly #running = new Set<RunningJob>()
  #closing = false
  #onIdle?: () => void

  /** the worker's registry (app/jobs/handlers/index.ts), handed in by whoever starts the pool */
  constructor(private readonly jobsByQueue: JobHandlers) {}

  start(options: WorkerPoolOptions = {}) {
    const names = options.queues ?? [...QUEUE_NAMES]
    for (const name of names) {
      const worker = new Worker(
        name,
        async (job: Job, token?: string) => {
          if (this.#closing) return this.#refuse(job, token)
          const handlers = this.jobsByQueue[name]
          const handler = handlers.find((entry) => entry.job.name === job.name)
          if (!handler) throw new Error(`No handler for job ${name}/${job.name}`)
          return this.#track(job, token, handler.handle(job))
        },
        {
          connection: queueConnection,
          prefix: queuePrefix,
          concurrency: options.concurrency?.[name] ?? (name === 'mail' ? 5 : 2),
          lockDuration: 15_000,
          stalledInterval: 10_000,
          maxStalledCount: 3,
          settings: { backoffStrategy },
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
        const exhausted = job && job.attemptsMade >= (job.opts.attempts ?? 1)
        if (job && exhausted) {
          Promise.resolve()
            .then(() =>
              this.jobsByQueue[name]
                .find((entry) => entry.job.name === job.name)
                ?.failed?.(job, error)
            )
            .catch(() => {})
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
   * running then are released back to the queue. `unreleased` counts jobs that
   * could not be given back (Redis unreachable): BullMQ's stalled-job check hands
   * them to the next worker once their lock expires.
   */
  async close(graceMs = 6000): Promise<CloseResult> {
    this.#closing = true
    /* all at once, before anything is awaited: no queue fetches another job */
    const closing = Promise.allSettled(this.workers.splice(0).map((worker) => worker.close()))

    await within(this.#idle(), graceMs)
    const running = [...this.#running]
    let released = 0
    if (running.length) {
      await within(
        Promise.allSettled(
          running.map(async (entry) => {
            await entry.job.moveToWait(entry.token)
            entry.release()
            released++
          })
        ),
        RELEASE_MS
      )
      logger.warn(
        {
          jobs: running.map((entry) => `${entry.job.queueName}/${entry.job.name}#${entry.job.id}`),
          released,
        },
        'released running jobs on shutdown'
      )
    }
    await within(closing, DISCONNECT_MS)
    return { released, unreleased: running.length - released }
  }

  /** Resolves once no handler is running. */
  #idle() {
    if (this.#running.size === 0) return Promise.resolve()
    return new Promise<void>((resolve) => (this.#onIdle = resolve))
  }

  /** A job fetched after closing began: back to the wait list untouched, no attempt counted. */
  async #refuse(job: Job, token: string | undefined): Promise<never> {
    await within(
      job.moveToWait(token).catch(() => {}),
      RELEASE_MS
    )
    logger.info({ queue: job.queueName, job: job.name, id: job.id }, 'job handed back on shutdown')
    throw new WaitingError('worker is shutting down')
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
      if (this.#running.size === 0) this.#onIdle?.()
    }
  }
}
