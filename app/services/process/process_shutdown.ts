import type { ApplicationService, LoggerService } from '@adonisjs/core/types'
import { watchParent } from '#services/process/parent_watch'

/** A supervisor (systemd, the demo) waits 15 s before SIGKILL: we are gone before that. */
export const SHUTDOWN_DEADLINE_MS = 12_000
/** Nobody waits for an orphan: the demo's children end within a few seconds of it. */
export const ORPHAN_DEADLINE_MS = 3000
/** An orphan whose main thread does not even get to exit is killed after this. */
const ORPHAN_KILL_MS = 4000
/** Time left for anything still open once the terminating hooks have run. */
const AFTER_HOOKS_MS = 300

let app: ApplicationService | undefined
let logger: LoggerService | undefined
let startedAt: number | undefined
let deadlineAt = Number.POSITIVE_INFINITY
let deadlineTimer: NodeJS.Timeout | undefined

/* The app's logger once it is booted, stderr before (a signal during boot). */
function log(level: 'info' | 'warn' | 'error', message: string) {
  if (logger) logger[level](message)
  else process.stderr.write(`${message}\n`)
}

function exitNow(code: number) {
  /* let the log line reach its transport first */
  setImmediate(() => process.exit(code))
}

/**
 * The parent took our stdout and stderr with it. Pino's log transport writes
 * to them from a worker thread and, on exit, waits up to 10 s for that thread
 * to flush into the closed pipe: end the thread now (its lines have nowhere to
 * go) so that exiting is immediate.
 */
function stopLogTransport() {
  const pino = (logger as { pino?: object } | undefined)?.pino
  logger = undefined
  if (!pino) return
  const streamSymbol = Object.getOwnPropertySymbols(pino).find(
    (symbol) => symbol.description === 'pino.stream'
  )
  const stream = streamSymbol
    ? (pino as Record<symbol, { on?: Function; worker?: { terminate?: Function } }>)[streamSymbol]
    : undefined
  if (!stream?.worker?.terminate) return
  /* later log calls report "the worker has exited" as an error event: nobody to tell */
  stream.on?.call(stream, 'error', () => {})
  stream.worker.terminate.call(stream.worker)
}

function armDeadline(ms: number) {
  const at = Date.now() + ms
  if (at >= deadlineAt) return
  deadlineAt = at
  clearTimeout(deadlineTimer)
  deadlineTimer = setTimeout(() => {
    const seconds = ((Date.now() - startedAt!) / 1000).toFixed(1)
    log('error', `shutdown not finished after ${seconds} s: exiting anyway`)
    exitNow(1)
  }, ms)
  deadlineTimer.unref()
}

/**
 * How a process of this app stops. The first SIGTERM/SIGINT runs the app's
 * terminating hooks (workers release their jobs, streams end, connections
 * close) under a hard deadline; whatever still holds the event loop after the
 * hooks (a socket of a released job, a reconnecting client) does not keep the
 * process alive. A second signal exits at once. With `exitWithParent` the
 * process also stops when its parent dies (stdin closes), on a shorter deadline.
 */
export const processShutdown = {
  install(application: ApplicationService, options: { exitWithParent?: boolean } = {}) {
    app = application
    app.booted(async () => {
      logger = await application.container.make('logger')
    })
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.on(signal, () => {
        if (startedAt === undefined) return this.begin(`received ${signal}`)
        log('warn', `second ${signal} during shutdown: exiting now`)
        exitNow(1)
      })
    }
    if (options.exitWithParent) {
      const watch = watchParent(
        () => {
          stopLogTransport()
          this.begin('parent process exited', ORPHAN_DEADLINE_MS)
        },
        { killAfterMs: ORPHAN_KILL_MS }
      )
      app.ready(() => {
        watch?.ready()
      })
    }
  },

  /** Starts the shutdown (once); a later call can only shorten its deadline. */
  begin(reason: string, deadlineMs = SHUTDOWN_DEADLINE_MS) {
    armDeadline(deadlineMs)
    if (startedAt !== undefined) return
    startedAt = Date.now()
    log('info', `shutting down (${reason}); exiting within ${Math.ceil(deadlineMs / 1000)} s`)
    Promise.resolve(app?.terminate())
      .catch((error) => log('error', `shutdown hook failed: ${error?.message ?? error}`))
      .finally(() => setTimeout(() => process.exit(), AFTER_HOOKS_MS).unref())
  },

  /**
   * The rest of the shutdown may be abandoned after `ms`, with the normal exit
   * code: for work that was given up (a released job) whose sockets, still held
   * by a hung SMTP server or database, the remaining hooks would wait for.
   */
  finishWithin(ms: number) {
    setTimeout(() => {
      log('warn', 'exiting without waiting for connections still held by released jobs')
      exitNow(Number(process.exitCode ?? 0))
    }, ms).unref()
  },

  /** True once a shutdown has begun. */
  get stopping() {
    return startedAt !== undefined
  },

  /** Milliseconds until the hard deadline (Infinity while no shutdown runs). */
  remainingMs() {
    return deadlineAt - Date.now()
  },
}
