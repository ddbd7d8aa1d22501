import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import mail from '@adonisjs/mail/services/main'
import Customer from '#models/customer'
import Document, { type DocumentKind } from '#models/document'
import { AuditService } from '#services/audit/audit_service'
import {
  DocumentStorage,
  sanitizeFileName,
  type FileProblem,
  type VerifiedFile,
} from '#services/documents/document_storage'
import DocumentAddedMail from '#mails/document_added_mail'
import { CUSTOMER_ROLES } from '#models/customer_user'
import { roleAllows } from '#policies/customer_policy'
import { visibleLinksOnly } from '#services/account/owner_links'
import { maskPans } from '#services/security/card_number_guard'

export type NewDocument = {
  customerId: number
  title: string
  kind: DocumentKind
  /** the file as it arrived (an upload's temporary file, or the command's argument) */
  sourcePath: string
  /** the name the uploader gave it */
  fileName: string
  /** null: `node ace documents:add` */
  staffId: number | null
}

export type AddResult = { status: 'ok'; document: Document } | { status: FileProblem }

export type ListedDocument = Document & { isNew: boolean }

export type OpenResult =
  | { status: 'ok'; document: Document; file: VerifiedFile }
  | { status: 'not_found' }
  | { status: 'unavailable' }

/**
 * „Dokumente“ (docs/documents.md): support adds a customer's PDF once; the
 * customer's owners and accountants list and download it. Every download is
 * checked against its SHA-256 and leaves a read receipt in the audit trail.
 */
export class DocumentService {
  constructor(readonly storage = new DocumentStorage()) {}

  /** Checks, stores and records a new document, audits it and mails the customer's team. */
  async add(input: NewDocument): Promise<AddResult> {
    const problem = await this.storage.check(input.sourcePath, input.fileName)
    if (problem) return { status: problem }
    const file = await this.storage.store(input.sourcePath, input.customerId)
    const document = await Document.create({
      customerId: input.customerId,
      /* the web form's input is masked already; `documents:add --title` is not */
      title: maskPans(input.title).text,
      kind: input.kind,
      filePath: file.path,
      size: file.size,
      sha256: file.sha256,
      originalFilename: sanitizeFileName(input.fileName),
      uploadedByStaffId: input.staffId,
    })
    await AuditService.record({
      action: 'document.added',
      actor: input.staffId ? { type: 'staff', id: input.staffId } : { type: 'system' },
      meta: {
        document_id: document.id,
        customer_id: document.customerId,
        kind: document.kind,
        title: document.title,
        size: document.size,
        sha256: document.sha256,
      },
    })
    await this.#mailTeam(document)
    return { status: 'ok', document }
  }

  /** The customers' documents, newest first, each marked new until this user opened it. */
  async list(customerIds: number[], userId: number): Promise<ListedDocument[]> {
    if (!customerIds.length) return []
    const documents = await Document.query()
      .whereIn('customer_id', customerIds)
      .preload('customer')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
    const read = await this.#readIds(
      userId,
      documents.map((d) => d.id)
    )
    return documents.map((d) => Object.assign(d, { isNew: !read.has(d.id) }))
  }

  /** A customer's documents for support (no receipts). */
  async forCustomer(customerId: number) {
    return Document.query().where('customer_id', customerId).orderBy('created_at', 'desc')
  }

  /**
   * One of these customers' documents, verified, for `userId`: writes the read receipt
   * (audit `document.read`) and marks it read. A changed or missing file is never sent.
   */
  async open(customerIds: number[], id: number, userId: number): Promise<OpenResult> {
    const document = customerIds.length
      ? await Document.query().where('id', id).whereIn('customer_id', customerIds).first()
      : null
    if (!document) return { status: 'not_found' }
    const verified = await this.storage.openVerified(document.filePath, document.sha256)
    if (!verified.ok) {
      logger.error(
        { document: document.id, file: document.filePath, reason: verified.reason },
        'stored document failed its SHA-256 check; download refused'
      )
      return { status: 'unavailable' }
    }
    await db
      .table('document_reads')
      .insert({ document_id: document.id, user_id: userId, first_read_at: new Date() })
      .onConflict(['document_id', 'user_id'])
      .ignore()
    await AuditService.record({
      action: 'document.read',
      actor: { type: 'user', id: userId },
      subjectUserId: userId,
      meta: { document_id: document.id, customer_id: document.customerId },
    })
    return { status: 'ok', document, file: verified.file }
  }

  async #readIds(userId: number, documentIds: number[]) {
    if (!documentIds.length) return new Set<number>()
    const rows = await db
      .from('document_reads')
      .where('user_id', userId)
      .whereIn('document_id', documentIds)
      .select('document_id')
    return new Set(rows.map((row) => Number(row.document_id)))
  }

  /** One mail per active owner and accountant (the roles that see documents), in their language. */
  async #mailTeam(document: Document) {
    const customer = await Customer.findOrFail(document.customerId)
    const users = await visibleLinksOnly(
      db.from('users').join('customer_user', 'customer_user.user_id', 'users.id')
    )
      .where('customer_user.customer_id', document.customerId)
      .where('users.state', 'active')
      .whereIn(
        'customer_user.role',
        CUSTOMER_ROLES.filter((role) => roleAllows(role, 'viewDocuments'))
      )
      .select('users.email', 'users.locale')
    const data = {
      title: document.title,
      kind: document.kind,
      customerNumber: customer.customerNumber,
      companyName: customer.companyName,
      date: DateTime.now().toISODate()!,
    }
    for (const user of users) {
      await mail.sendLater(new DocumentAddedMail(user.email, user.locale || 'de', data))
    }
  }
}
