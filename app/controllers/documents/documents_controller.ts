import type { HttpContext } from '@adonisjs/core/http'
import { CustomerScope, OutOfScope } from '#services/merchant/customer_scope'
import { DocumentService } from '#services/documents/document_service'
import { sizeLabel } from '#services/documents/size_label'
import { documentParamsValidator } from '#validators/documents'

/** „Dokumente“: the documents of the customers in view, and one download with a read receipt. */
export default class DocumentsController {
  async index(ctx: HttpContext) {
    const scope = await ctx.customerScope.authorize(ctx.bouncer, 'viewDocuments')
    const documents = await new DocumentService().list(scope.ids, ctx.auth.use('web').user!.id)
    return ctx.view.render('pages/documents/index', {
      documents,
      several: scope.chosen.length > 1,
      sizeLabel,
    })
  }

  /** Any linked customer's document whose role allows documents; others get the shared 404. */
  async download(ctx: HttpContext) {
    const { id } = await ctx.request.validateUsing(documentParamsValidator, { data: ctx.params })
    const user = ctx.auth.use('web').user!
    const policy = ctx.bouncer.with('CustomerPolicy')
    const allowed: number[] = []
    for (const customer of await CustomerScope.linkedCustomers(user.id)) {
      if (await policy.allows('viewDocuments', customer)) allowed.push(customer.id)
    }
    const result = await new DocumentService().open(allowed, id, user.id)
    if (result.status === 'not_found') throw new OutOfScope()
    if (result.status === 'unavailable') {
      return ctx.response.status(500).send(await ctx.view.render('pages/documents/unavailable'))
    }
    const { document, file } = result
    ctx.response.header('Content-Type', 'application/pdf')
    ctx.response.header('Content-Length', String(file.size))
    ctx.response.header(
      'Content-Disposition',
      `attachment; filename="${document.originalFilename}"`
    )
    ctx.response.header('Cache-Control', 'no-store')
    ctx.response.header('X-Content-Type-Options', 'nosniff')
    return ctx.response.stream(file.handle.createReadStream({ start: 0, autoClose: true }))
  }
}
