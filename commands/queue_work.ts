import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { WorkerPool } from '#services/queue/worker_pool'
import { jobsByQueue } from '#jobs/handlers/index'
import { QUEUE_NAMES, type QueueName } from '#services/queue/queues'
import { registerInvoiceScheduler } from '#services/invoices/invoice_scheduler'
import { registerMoneyAlertsScheduler } from '#services/money/alert_scheduler'
import { registerReportsScheduler } from '#services/reports/report_scheduler'
import { registerRetentionScheduler } from '#services/retention/retention_scheduler'
import { registerTotalsRollupScheduler } from '#services/merchant/totals_scheduler'
import { processShutdown } from '#services/process/process_shutdown'

/* running jobs get at most this long to finish on SIGTERM before they are released */
const GRACE_MS = 6000
/* what the pool needs after the grace (release, disconnect) plus the other hooks */
const AFTER_GRACE_MS = 4500
/* once jobs were given up, the rest of the shutdown must not wait for their sockets */
const AFTER_RELEASE_MS = 1500

export default class QueueWork extends BaseCommand {
  static commandName = 'queue:work'
  static description = 'Run the background workers (mail, invoices, money) until SIGTERM/SIGINT'
  static options: CommandOptions = { startApp: true, staysAlive: true }

  @flags.array({ description: `Queues to work on (default: all of ${QUEUE_NAMES.join(', ')})` })
  declare queue: string[] | undefined

  async run() {
    if (this.app.inProduction) {
      const { operatorDetailsWarning } = await import('#start/production_warnings')
      const warning = operatorDetailsWarning()
      if (warning) this.logger.warning(warning)
    }
    const queues = (this.queue?.length ? this.queue : QUEUE_NAMES).filter(
      (name): name is QueueName => (QUEUE_NAMES as readonly string[]).includes(name)
    )
    const pool = new WorkerPool(jobsByQueue)
    /* before the first job can start: a signal at any point after this closes the pool */
    this.app.terminating(async () => {
      this.logger.info('worker stopping: finishing or releasing running jobs')
      const grace = Math.min(GRACE_MS, Math.max(0, processShutdown.remainingMs() - AFTER_GRACE_MS))
      const { released, unreleased } = await pool.close(grace)
      if (released) {
        this.logger.warning(`released ${released} unfinished job(s); the next worker runs them`)
      }
      if (unreleased) {
        this.logger.warning(
          `${unreleased} job(s) could not be released (Redis unreachable); the next worker takes them over once their lock expires`
        )
      }
      if (released || unreleased) processShutdown.finishWithin(AFTER_RELEASE_MS)
    })
    pool.start({ queues })
    this.logger.info(`worker started (pid ${process.pid}) on queues: ${queues.join(', ')}`)
    /* not awaited: with Redis down it waits for Redis, and the worker must still stop on SIGTERM */
    if (queues.includes('invoices')) {
      registerInvoiceScheduler().catch((error) => {
        if (!processShutdown.stopping) {
          this.logger.error(`could not register the monthly invoice run: ${error.message}`)
        }
      })
    }
    if (queues.includes('money')) {
      registerMoneyAlertsScheduler().catch((error) => {
        if (!processShutdown.stopping) {
          this.logger.error(`could not register the money alerts: ${error.message}`)
        }
      })
      registerReportsScheduler().catch((error) => {
        if (!processShutdown.stopping) {
          this.logger.error(`could not register the reports by mail: ${error.message}`)
        }
      })
      registerRetentionScheduler().catch((error) => {
        if (!processShutdown.stopping) {
          this.logger.error(`could not register the daily retention run: ${error.message}`)
        }
      })
      registerTotalsRollupScheduler().catch((error) => {
        if (!processShutdown.stopping) {
          this.logger.error(`could not register the totals rollup: ${error.message}`)
        }
      })
    }
  }
}
