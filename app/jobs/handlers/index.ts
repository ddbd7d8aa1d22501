import { QUEUE_NAMES } from '#services/queue/queues'
import type { JobHandler, JobHandlers } from '#services/queue/worker_pool'
import { sendMailHandler } from '#jobs/handlers/send_mail'
import { startInvoiceRunHandler } from '#jobs/handlers/start_invoice_run'
import { generateInvoiceHandler } from '#jobs/handlers/generate_invoice'
import { sendInvoiceMailHandler } from '#jobs/handlers/send_invoice_mail'
import { moneyAlertsHandler } from '#jobs/handlers/money_alerts'
import { sendReportsHandler, sendReportHandler } from '#jobs/handlers/send_reports'
import { retentionHandler } from '#jobs/handlers/retention'
import { buildDataExportHandler } from '#jobs/handlers/build_data_export'
import { totalsRollupHandler } from '#jobs/handlers/totals_rollup'

/*
| The worker's registry: every job handler, grouped by the queue its descriptor
| names. Add a handler here when you add a job (descriptor in app/jobs/<name>.ts,
| handler in app/jobs/handlers/<name>.ts). Only the worker's entry points
| (`queue:work`, the test services, the benchmarks) import this file: services
| enqueue by descriptor and never reach a handler.
*/
const handlers: JobHandler[] = [
  sendMailHandler,
  startInvoiceRunHandler,
  generateInvoiceHandler,
  sendInvoiceMailHandler,
  moneyAlertsHandler,
  sendReportsHandler,
  sendReportHandler,
  retentionHandler,
  buildDataExportHandler,
  totalsRollupHandler,
]

export const jobsByQueue = Object.fromEntries(
  QUEUE_NAMES.map((queue) => [queue, handlers.filter((handler) => handler.job.queue === queue)])
) as JobHandlers
