import type { HttpContext } from '@adonisjs/core/http'
import { enqueue } from '#services/queue/queues'
import { AuditService } from '#services/audit/audit_service'
import { BillingPeriod } from '#services/invoices/billing_period'
import { InvoiceRunService } from '#services/invoices/invoice_run_service'
import { startInvoiceRunJob } from '#jobs/start_invoice_run'
import { invoiceRunValidator } from '#validators/invoice_run'

/** /admin/invoices: the monthly runs, their progress and failures; start and retry. */
export default class InvoicesController {
  async index({ view }: HttpContext) {
    const service = new InvoiceRunService()
    const [runs, failed] = await Promise.all([service.overview(), service.failedItems()])
    return view.render('pages/admin/invoices/index', {
      runs,
      failed,
      suggestedPeriod: BillingPeriod.previous().key,
    })
  }

  /** The same counts as JSON, polled by the page to update live. */
  async status({ response }: HttpContext) {
    const runs = await new InvoiceRunService().overview()
    return response.json(
      runs.map(({ run, pending, done, skipped, failed }) => ({
        period: run.period,
        status: run.status,
        total: run.customersTotal,
        pending,
        done,
        skipped,
        failed,
      }))
    )
  }

  /** Queues the run for a closed month; the worker fans it out. */
  async start(ctx: HttpContext) {
    const { request, response, session, i18n, auth } = ctx
    const [error, data] = await invoiceRunValidator.tryValidate(request.all())
    const period = error ? null : BillingPeriod.parse(data.period)
    if (!period || !period.isClosed()) {
      session.flash('error', i18n.t('invoices.admin.invalid_period'))
      return response.redirect('/admin/invoices')
    }
    const staff = auth.use('admin').user!
    await enqueue(
      startInvoiceRunJob.queue,
      startInvoiceRunJob.name,
      {
        period: period.key,
        triggeredBy: `staff:${staff.email}`,
      },
      startInvoiceRunJob.options
    )
    await AuditService.record({
      action: 'invoices.run_started',
      actor: { type: 'staff', id: staff.id },
      meta: { period: period.key },
    })
    session.flash('success', i18n.t('invoices.admin.started', { period: period.key }))
    return response.redirect('/admin/invoices')
  }

  /** Puts one failed customer of a run back into the queue. */
  async retry(ctx: HttpContext) {
    const { params, response, session, i18n, auth } = ctx
    const retried = await new InvoiceRunService().retry(Number(params.id))
    if (!retried) {
      session.flash('error', i18n.t('invoices.admin.retry_not_found'))
      return response.redirect('/admin/invoices')
    }
    await AuditService.record({
      action: 'invoices.item_retried',
      actor: { type: 'staff', id: auth.use('admin').user!.id },
      meta: { item: Number(params.id) },
    })
    session.flash('success', i18n.t('invoices.admin.retried'))
    return response.redirect('/admin/invoices')
  }
}
