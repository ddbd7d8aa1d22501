import type { HttpContext } from '@adonisjs/core/http'
import { CustomerScope, OutOfScope } from '#services/merchant/customer_scope'
import { InvoiceArchive, type ArchiveFileResult } from '#services/invoices/invoice_archive'
import { idParamsValidator, invoiceArchiveValidator } from '#validators/merchant'

/** „Rechnungsarchiv“: the user's invoices and their files, scoped to the linked customers. */
export default class InvoicesController {
  async index(ctx: HttpContext) {
    const { year } = await ctx.request.validateUsing(invoiceArchiveValidator, {
      data: ctx.request.qs(),
    })
    const scope = await ctx.customerScope.authorize(ctx.bouncer, 'viewInvoices')
    const archive = new InvoiceArchive()
    const [invoices, years] = await Promise.all([
      archive.list(scope.ids, year),
      archive.years(scope.ids),
    ])
    return ctx.view.render('pages/merchant/invoices/index', { invoices, years, year })
  }

  async pdf(ctx: HttpContext) {
    return this.#download(ctx, 'pdf')
  }

  async xml(ctx: HttpContext) {
    return this.#download(ctx, 'xml')
  }

  /**
   * Any linked customer's invoice whose role allows invoices (not only the switched-to
   * one); others get the shared 404.
   */
  async #download(ctx: HttpContext, kind: 'pdf' | 'xml') {
    const { id } = await ctx.request.validateUsing(idParamsValidator, { data: ctx.params })
    const linked = await CustomerScope.linkedCustomers(ctx.auth.use('web').user!.id)
    const policy = ctx.bouncer.with('CustomerPolicy')
    const allowed: number[] = []
    for (const customer of linked) {
      if (await policy.allows('viewInvoices', customer)) allowed.push(customer.id)
    }
    const result: ArchiveFileResult = await new InvoiceArchive().file(
      allowed,
      id,
      kind,
      ctx.i18n.locale
    )
    if (result.status === 'not_found') throw new OutOfScope()
    if (result.status === 'unavailable') {
      return ctx.response
        .status(503)
        .send(await ctx.view.render('pages/merchant/invoices/unavailable'))
    }
    ctx.response.header('Content-Type', result.file.contentType)
    ctx.response.header('Content-Disposition', `attachment; filename="${result.file.fileName}"`)
    ctx.response.header('Cache-Control', 'no-store')
    ctx.response.header('X-Content-Type-Options', 'nosniff')
    return ctx.response.send(result.file.bytes)
  }
}
