import { basename, resolve } from 'node:path'
import app from '@adonisjs/core/services/app'
import Customer from '#models/customer'
import { DOCUMENT_KINDS, type DocumentKind } from '#models/document'
import { DocumentService } from '#services/documents/document_service'
import type { FileProblem } from '#services/documents/document_storage'
import { documentMaxBytes } from '#config/portal'

export type AddFromFileResult =
  | { status: 'ok'; id: number; sha256: string; customerNumber: string }
  | { status: 'refused'; message: string }

const PROBLEMS: Record<FileProblem, string> = {
  missing: 'file not found',
  empty: 'the file is empty',
  too_large: `the file is larger than ${documentMaxBytes} bytes (DOCUMENT_MAX_BYTES)`,
  not_pdf_name: 'only .pdf files are accepted',
  not_pdf: 'the file is not a PDF (it does not start with %PDF-); refused',
}

/** `node ace documents:add`: the operator's way in, with the same checks as the upload. */
export async function addDocumentFromFile(input: {
  customerNumber: string
  title: string
  kind: string
  path: string
}): Promise<AddFromFileResult> {
  const number = input.customerNumber.trim().toUpperCase().replace(/\s+/g, '')
  const customer = await Customer.findBy('customer_number', number)
  if (!customer) return { status: 'refused', message: `unknown customer number ${number}` }
  if (!DOCUMENT_KINDS.includes(input.kind as DocumentKind)) {
    return { status: 'refused', message: `--kind must be one of ${DOCUMENT_KINDS.join(', ')}` }
  }
  const title = input.title.trim()
  if (!title || title.length > 200) {
    return { status: 'refused', message: '--title must be 1 to 200 characters' }
  }
  const result = await new DocumentService().add({
    customerId: customer.id,
    title,
    kind: input.kind as DocumentKind,
    sourcePath: resolve(app.makePath(), input.path),
    fileName: basename(input.path),
    staffId: null,
  })
  if (result.status !== 'ok') return { status: 'refused', message: PROBLEMS[result.status] }
  return {
    status: 'ok',
    id: result.document.id,
    sha256: result.document.sha256,
    customerNumber: customer.customerNumber,
  }
}
