import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import tariff from '#config/tariff'
import Invoice from '#models/invoice'
import InvoiceLine from '#models/invoice_line'
import { BILLING_ZONE, BillingPeriod } from '#services/invoices/billing_period'
import { InvoiceIssuer } from '#services/invoices/invoice_issuer'
import { ensureSequenceRow, takeInvoiceNumber } from '#services/invoices/invoice_numbers'

export type CancelResult =
  | { status: 'not_found' | 'not_cancellable' }
  | { status: 'ok'; cancellation: Invoice; original: Invoice }

/**
 * A correction under GoBD: the issued invoice and its file stay as they are;
 * a new cancellation invoice (Stornorechnung) with the negated lines and its
 * own number references it, and the original is marked cancelled. Running it
 * again returns the same cancellation (one per original, backed by a unique key).
 */
export class InvoiceCancellation {
  constructor(readonly issuer = new InvoiceIssuer()) {}

  async cancel(number: string, now = DateTime.now()): Promise<CancelResult> {
    const original = await Invoice.findBy('number', number)
    if (!original) return { status: 'not_found' }
    let cancellation = await Invoice.findBy('cancels_invoice_id', original.id)
    if (!cancellation) {
      if (original.kind !== 'invoice' || original.status !== 'issued') {
        return { status: 'not_cancellable' }
      }
      const issueDate = now.setZone(BILLING_ZONE).startOf('day')
      await ensureSequenceRow(issueDate.year)
      cancellation = await db.transaction(async (trx) => {
        const lock = trx.from('invoices').where('id', original.id)
        if (!trx.dialect.name.includes('sqlite')) lock.forUpdate()
        const row = await lock.first()
        const existing = await Invoice.query({ client: trx })
          .where('cancels_invoice_id', original.id)
          .first()
        if (existing || row.status !== 'issued') return existing
        const lines = await InvoiceLine.query({ client: trx }).where('invoice_id', original.id)
        const created = await Invoice.create(
          {
            customerId: original.customerId,
            number: await takeInvoiceNumber(trx, issueDate.year),
            kind: 'cancellation',
            period: original.period,
            periodKey: null,
            periodStart: original.periodStart,
            periodEnd: original.periodEnd,
            issueDate,
            dueDate: issueDate.plus({ days: tariff.paymentTermsDays }),
            netMinor: -original.netMinor,
            vatMinor: -original.vatMinor,
            grossMinor: -original.grossMinor,
            vatRateBp: original.vatRateBp,
            currency: original.currency,
            status: 'draft',
            cancelsInvoiceId: original.id,
          },
          { client: trx }
        )
        await InvoiceLine.createMany(
          lines.map((line) => ({
            invoiceId: created.id,
            position: line.position,
            description: line.description,
            terminalId: line.terminalId,
            cardBrand: line.cardBrand,
            quantity: -line.quantity,
            unitPriceCentiMinor: line.unitPriceCentiMinor,
            netMinor: -line.netMinor,
          })),
          { client: trx }
        )
        /* the period is free again for a corrected invoice (`invoices:cancel --reissue`); the
           original keeps its number, period and file */
        await trx
          .from('invoices')
          .where('id', original.id)
          .update({ status: 'cancelled', period_key: null })
        return created
      })
      if (!cancellation) return { status: 'not_cancellable' }
    }
    await this.issuer.finish(cancellation)
    await original.refresh()
    /* the merchant is told like for any invoice (once per recipient, by the mail's job id) */
    const { InvoiceRunService } = await import('#services/invoices/invoice_run_service')
    await new InvoiceRunService().enqueueMails(cancellation)
    return { status: 'ok', cancellation, original }
  }

  /**
   * The correction's second half: the period's invoice issued again for the customer, from
   * today's master data and tariff (a new number; mailed like any invoice). Only after the
   * original is cancelled; a second call returns the same new invoice.
   */
  async reissue(original: Invoice) {
    if (original.status !== 'cancelled' || original.kind !== 'invoice') {
      return { status: 'not_cancelled' as const }
    }
    const period = BillingPeriod.parse(original.period)
    if (!period) throw new Error(`invalid billing period ${original.period}`)
    const prepared = await this.issuer.prepare(original.customerId, period)
    if (prepared.status !== 'ready') return { status: 'nothing_billable' as const }
    const invoice = await this.issuer.finish(prepared.invoice)
    const { InvoiceRunService } = await import('#services/invoices/invoice_run_service')
    await new InvoiceRunService().enqueueMails(invoice)
    return { status: 'ok' as const, invoice }
  }
}
