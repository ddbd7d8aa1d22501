import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { WorkerPool } from '#services/queue/worker_pool'
import { QUEUE_NAMES, type QueueName } from '#services/queue/queues'
import { registerInvoiceScheduler } from '#services/invoices/invoice_scheduler'

export default class QueueWork extends BaseCommand {
  static commandName = 'queue:work'
  static description = 'Run the background workers (mail, invoices) until SIGTERM/SIGINT'
  static options: CommandOptions = { startApp: true, staysAlive: true }

  @flags.array({ description: `Queues to work on (default: all of ${QUEUE_NAMES.join(', ')})` })
  declare queue: string[] | undefined

  async run() {
    const queues = (this.queue?.length ? this.queue : QUEUE_NAMES).filter(
      (name): name is QueueName => (QUEUE_NAMES as readonly string[]).includes(name)
    )
    const pool = new WorkerPool().start({ queues })
    if (queues.includes('invoices')) await registerInvoiceScheduler()
    this.app.terminating(async () => {
      this.logger.info('worker stopping: finishing or releasing running jobs')
      const { released } = await pool.close()
      if (released) {
        this.logger.warning(`released ${released} unfinished job(s); the next worker runs them`)
        /* a released handler may still hold a socket (e.g. a hung SMTP server): don't wait for it */
        setTimeout(() => process.exit(), 500).unref()
      }
    })
    this.logger.info(`worker started (pid ${process.pid}) on queues: ${queues.join(', ')}`)
  }
}
