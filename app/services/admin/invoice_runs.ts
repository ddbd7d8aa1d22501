import type StaffUser from '#models/staff_user'
import { enqueue } from '#services/queue/queues'
import { AuditService } from '#services/audit/audit_service'
import { BillingPeriod } from '#services/invoices/billing_period'
import { InvoiceRunService } from '#services/invoices/invoice_run_service'
import { startInvoiceRunJob } from '#jobs/start_invoice_run'

/*
| /admin/invoices: support's view of the monthly runs and its two actions,
| starting a run for a closed month and retrying one failed customer. The run
| itself (idempotent, one job per customer) is the invoices area's
| InvoiceRunService; this adds the staff rules and the audit trail.
*/
export const InvoiceRuns = {
  /** The runs with their counts, the failed customers, and the month a new run would bill. */
  async overview() {
    const service = new InvoiceRunService()
    const [runs, failed] = await Promise.all([service.overview(), service.failedItems()])
    return { runs, failed, suggestedPeriod: BillingPeriod.previous().key }
  },

  /** The counts per run, polled by the page to update live. */
  async progress() {
    const runs = await new InvoiceRunService().overview()
    return runs.map(({ run, pending, done, skipped, failed }) => ({
      period: run.period,
      status: run.status,
      total: run.customersTotal,
      pending,
      done,
      skipped,
      failed,
    }))
  },

  /**
   * Queues the run of a closed month (the worker fans it out), audited.
   * Returns the period, or null for a month that has not ended.
   */
  async start(periodKey: string, staff: StaffUser) {
    const period = BillingPeriod.parse(periodKey)
    if (!period || !period.isClosed()) return null
    await enqueue(
      startInvoiceRunJob.queue,
      startInvoiceRunJob.name,
      { period: period.key, triggeredBy: `staff:${staff.email}` },
      startInvoiceRunJob.options
    )
    await AuditService.record({
      action: 'invoices.run_started',
      actor: { type: 'staff', id: staff.id },
      meta: { period: period.key },
    })
    return period
  },

  /** Puts one failed customer of a run back into the queue, audited; false when it is not failed. */
  async retryItem(itemId: number, staff: StaffUser) {
    if (!(await new InvoiceRunService().retry(itemId))) return false
    await AuditService.record({
      action: 'invoices.item_retried',
      actor: { type: 'staff', id: staff.id },
      meta: { item: itemId },
    })
    return true
  },
}
