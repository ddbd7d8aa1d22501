import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { BillingPeriod } from '#services/invoices/billing_period'

/**
 * `node ace invoices:run --period 2026-10`: starts the same run as the monthly
 * scheduler for a closed month. By default the jobs are queued for the worker;
 * `--sync` processes them in this process instead (demo seeding, no worker).
 */
export default class InvoicesRun extends BaseCommand {
  static commandName = 'invoices:run'
  static description = 'Start the invoice run for a closed month (default: the previous month)'
  static options: CommandOptions = { startApp: true }

  @flags.string({ description: 'Billing month as YYYY-MM (default: previous month)' })
  declare period: string | undefined

  @flags.boolean({ description: 'Generate the invoices in this process instead of the queue' })
  declare sync: boolean | undefined

  async run() {
    const period = this.period ? BillingPeriod.parse(this.period) : BillingPeriod.previous()
    if (!period || !period.isClosed()) {
      this.logger.error('Please give a closed month as --period YYYY-MM')
      this.exitCode = 1
      return
    }
    const { InvoiceRunService } = await import('#services/invoices/invoice_run_service')
    const service = new InvoiceRunService()
    if (this.sync) {
      const result = await service.runSynchronously(period, 'cli')
      this.logger.success(
        `Invoice run ${period.key}: ${result.done} issued, ${result.skipped} without invoice, ${result.failed} failed`
      )
      if (result.failed > 0) this.exitCode = 1
      return
    }
    const run = await service.start(period, 'cli')
    this.logger.success(
      `Invoice run ${period.key} queued for ${run.customersTotal} customers; \`node ace queue:work\` generates the invoices`
    )
  }
}
