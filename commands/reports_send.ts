import { DateTime } from 'luxon'
import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * `node ace reports:send [--at 2026-06-01T06:00:00+02:00]`: queues the report run
 * now, as if it were `--at` (default: now) — an operator's catch-up after an
 * outage. Reports already delivered for a period are skipped (docs/reports.md).
 */
export default class ReportsSend extends BaseCommand {
  static commandName = 'reports:send'
  static description = 'Queue the report run now (catch-up); delivered reports are skipped'
  static options: CommandOptions = { startApp: true }

  @flags.string({ description: 'The time the run stands for, ISO 8601 with offset' })
  declare at: string | undefined

  async run() {
    if (this.at !== undefined && !DateTime.fromISO(this.at, { setZone: true }).isValid) {
      this.logger.error('Please give --at as an ISO date and time, e.g. 2026-06-01T06:00:00+02:00')
      this.exitCode = 1
      return
    }
    const { triggerReports } = await import('#services/reports/report_scheduler')
    const job = await triggerReports(this.at)
    this.logger.success(
      `report run queued (job ${job.id}) for ${this.at ?? 'now'}; \`node ace queue:work\` sends the reports`
    )
  }
}
