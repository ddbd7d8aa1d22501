import type { HttpContext } from '@adonisjs/core/http'
import { InvoiceRuns } from '#services/admin/invoice_runs'
import { invoiceRunValidator } from '#validators/admin'

/** /admin/invoices: the monthly runs, their progress and failures; start and retry. */
export default class InvoicesController {
  async index({ view }: HttpContext) {
    return view.render('pages/admin/invoices/index', await InvoiceRuns.overview())
  }

  /** The same counts as JSON, polled by the page to update live. */
  async status({ response }: HttpContext) {
    return response.json(await InvoiceRuns.progress())
  }

  /** Queues the run for a closed month; the worker fans it out. */
  async start({ request, response, session, i18n, auth }: HttpContext) {
    const { period } = await request.validateUsing(invoiceRunValidator)
    const started = await InvoiceRuns.start(period, auth.use('admin').user!)
    session.flash(
      started ? 'success' : 'error',
      started
        ? i18n.t('invoices.admin.started', { period: started.key })
        : i18n.t('invoices.admin.invalid_period')
    )
    return response.redirect().toRoute('admin.invoices.index')
  }

  /** Puts one failed customer of a run back into the queue. */
  async retry({ params, response, session, i18n, auth }: HttpContext) {
    const retried = await InvoiceRuns.retryItem(params.id, auth.use('admin').user!)
    session.flash(
      retried ? 'success' : 'error',
      i18n.t(retried ? 'invoices.admin.retried' : 'invoices.admin.retry_not_found')
    )
    return response.redirect().toRoute('admin.invoices.index')
  }
}
