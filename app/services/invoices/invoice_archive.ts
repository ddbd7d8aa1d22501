import logger from '@adonisjs/core/services/logger'
import Invoice from '#models/invoice'
import { InvoiceStorage } from '#services/invoices/invoice_storage'
import { downloadName } from '#services/i18n/download_names'

export type ArchiveFile = { bytes: Buffer; fileName: string; contentType: string }
export type ArchiveFileResult =
  { status: 'ok'; file: ArchiveFile } | { status: 'not_found' } | { status: 'unavailable' }

/**
 * The merchant's invoice archive: issued and cancelled invoices of the given
 * customers only, and their files checked against the recorded SHA-256 before
 * they leave the server (a mismatch is logged and refused).
 */
export class InvoiceArchive {
  constructor(readonly storage = new InvoiceStorage()) {}

  /** Newest period first, optionally one year. */
  async list(customerIds: number[], year?: number) {
    if (!customerIds.length) return []
    const query = Invoice.query()
      .whereIn('customer_id', customerIds)
      .whereIn('status', ['issued', 'cancelled'])
      .preload('customer')
      .orderBy('period', 'desc')
      .orderBy('issue_date', 'desc')
      .orderBy('id', 'desc')
    if (year) query.where('period', 'like', `${year}-%`)
    return query
  }

  /** The years that have invoices, newest first (for the filter). */
  async years(customerIds: number[]): Promise<number[]> {
    if (!customerIds.length) return []
    const rows = await Invoice.query()
      .whereIn('customer_id', customerIds)
      .whereIn('status', ['issued', 'cancelled'])
      .distinct('period')
    const years = new Set(rows.map((row) => Number(row.period.slice(0, 4))))
    return [...years].sort((a, b) => b - a)
  }

  /** The stored PDF or XML of one of these customers' invoices. */
  async file(
    customerIds: number[],
    id: number,
    kind: 'pdf' | 'xml',
    locale = 'de'
  ): Promise<ArchiveFileResult> {
    const invoice = customerIds.length
      ? await Invoice.query()
          .where('id', id)
          .whereIn('customer_id', customerIds)
          .whereIn('status', ['issued', 'cancelled'])
          .first()
      : null
    if (!invoice || !invoice.number) return { status: 'not_found' }
    const path = kind === 'pdf' ? invoice.filePath : invoice.xmlPath
    const expected = kind === 'pdf' ? invoice.fileSha256 : invoice.xmlSha256
    if (!path || !expected) return { status: 'not_found' }

    const read = await this.storage.readVerified(path, expected)
    if (!read.ok) {
      logger.error(
        { invoice: invoice.number, file: path, reason: read.reason },
        'archived invoice file failed its SHA-256 check; download refused'
      )
      return { status: 'unavailable' }
    }
    return {
      status: 'ok',
      file: {
        bytes: read.bytes,
        fileName: downloadName(locale, kind === 'pdf' ? 'invoice_pdf' : 'invoice_xml', {
          number: invoice.number,
        }),
        contentType: kind === 'pdf' ? 'application/pdf' : 'application/xml; charset=utf-8',
      },
    }
  }
}
