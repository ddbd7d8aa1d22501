import type { HttpContext } from '@adonisjs/core/http'
import { InvoiceZip, yearRange } from '#services/invoices/invoice_zip'
import { invoiceZipValidator } from '#validators/invoices'

/**
 * „Alle Rechnungen als ZIP“: the archived PDF and XML of the chosen customers'
 * invoices of a year or a range of months, streamed (docs/invoices.md).
 */
export default class InvoiceZipController {
  async download(ctx: HttpContext) {
    const input = await ctx.request.validateUsing(invoiceZipValidator, { data: ctx.request.qs() })
    const scope = await ctx.customerScope.authorize(ctx.bouncer, 'viewInvoices')
    const range = input.year ? yearRange(input.year) : { from: input.from!, to: input.to! }
    const zip = new InvoiceZip()
    const plan = await zip.plan(scope.ids, range, ctx.i18n.locale)
    if (plan.status === 'empty') {
      ctx.session.flash('error', ctx.i18n.t('invoices.zip.empty'))
      return ctx.response.redirect().toRoute('invoices.index')
    }
    if (plan.status === 'unavailable') {
      return ctx.response
        .status(503)
        .send(await ctx.view.render('pages/merchant/invoices/unavailable'))
    }
    ctx.response.header('Content-Type', 'application/zip')
    ctx.response.header('Content-Disposition', `attachment; filename="${plan.fileName}"`)
    ctx.response.header('Cache-Control', 'no-store')
    ctx.response.header('X-Content-Type-Options', 'nosniff')
    return ctx.response.stream(zip.stream(plan.entries))
  }
}
