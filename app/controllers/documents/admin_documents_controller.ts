import { unlink } from 'node:fs/promises'
import type { HttpContext } from '@adonisjs/core/http'
import type { MultipartFile } from '@adonisjs/core/bodyparser'
import Customer from '#models/customer'
import { DOCUMENT_KINDS } from '#models/document'
import { DocumentService } from '#services/documents/document_service'
import { sizeLabel } from '#services/documents/size_label'
import { flashFieldError } from '#helpers/form_feedback'
import { documentMaxBytes } from '#config/portal'
import {
  DOCUMENT_TITLE_MAX,
  documentParamsValidator,
  documentUploadValidator,
} from '#validators/documents'

/** Support: a customer's documents and „Dokument hochladen“ (audited, mailed to the team). */
export default class AdminDocumentsController {
  async index(ctx: HttpContext) {
    const { id } = await ctx.request.validateUsing(documentParamsValidator, { data: ctx.params })
    const customer = await Customer.findOrFail(id)
    return ctx.view.render('pages/documents/admin', {
      customer,
      documents: await new DocumentService().forCustomer(customer.id),
      kinds: DOCUMENT_KINDS,
      titleMax: DOCUMENT_TITLE_MAX,
      maxMegabytes: Math.floor(documentMaxBytes / (1024 * 1024)),
      sizeLabel,
    })
  }

  /** Only a real PDF within the limit is stored; anything else comes back with the reason. */
  async store(ctx: HttpContext) {
    const { id } = await ctx.request.validateUsing(documentParamsValidator, { data: ctx.params })
    const customer = await Customer.findOrFail(id)
    /* unvalidated: request.file() would validate without the limits before the validator does */
    const upload = [ctx.request.allFiles().file].flat()[0] as MultipartFile | undefined
    try {
      /* the file object itself: request.all() holds only the card-number-masked copy of the body */
      const input = await ctx.request.validateUsing(documentUploadValidator, {
        data: { ...ctx.request.all(), file: upload },
      })
      const result = await new DocumentService().add({
        customerId: customer.id,
        title: input.title,
        kind: input.kind,
        sourcePath: input.file.tmpPath!,
        fileName: input.file.clientName,
        staffId: ctx.auth.use('admin').user!.id,
      })
      if (result.status !== 'ok') {
        flashFieldError(ctx, 'file', ctx.i18n.t(`documents.problems.${result.status}`))
      } else {
        ctx.session.flash('success', ctx.i18n.t('documents.admin.added', { title: input.title }))
      }
    } finally {
      /* the upload's temporary copy; the stored document is a copy of its own */
      if (upload?.tmpPath) await unlink(upload.tmpPath).catch(() => {})
    }
    return ctx.response.redirect().toRoute('admin.documents.index', { id: customer.id })
  }
}
