import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import tariff from '#config/tariff'
import Customer from '#models/customer'
import Invoice from '#models/invoice'
import InvoiceLine from '#models/invoice_line'
import { BILLING_ZONE, type BillingPeriod } from '#services/invoices/billing_period'
import { loadBillingData } from '#services/invoices/billing_data'
import { computeInvoice } from '#services/invoices/tariff_calculator'
import { InvoiceStorage } from '#services/invoices/invoice_storage'
import { renderInvoice } from '#services/invoices/invoice_document'
import { takeInvoiceNumber, ensureSequenceRow } from '#services/invoices/invoice_numbers'

export type PrepareResult =
  { status: 'skipped' } | { status: 'ready'; invoice: Invoice; created: boolean }

/**
 * Issues a customer's invoice for a period in two idempotent steps:
 * prepare() computes the lines and, in ONE transaction, takes the next
 * gap-free number and inserts the invoice (UNIQUE(customer_id, period_key)
 * turns a second attempt into a no-op); finish() prints and archives the
 * committed row and marks it issued. A retry after a crash finds the draft
 * and finishes it; an issued invoice is never printed again.
 */
export class InvoiceIssuer {
  constructor(readonly storage = new InvoiceStorage()) {}

  /** The existing invoice, or a new draft with its number; `skipped` when nothing is billable. */
  async prepare(customerId: number, period: BillingPeriod, now = DateTime.now()) {
    const existing = await this.#existing(customerId, period)
    if (existing) return { status: 'ready', invoice: existing, created: false } as PrepareResult
    await assertGermanVat(customerId)

    const data = await loadBillingData(customerId, period)
    const computed = computeInvoice(data.terminals, data.usage, tariff)
    if (computed.lines.length === 0) return { status: 'skipped' } as PrepareResult

    const issueDate = now.setZone(BILLING_ZONE).startOf('day')
    await ensureSequenceRow(issueDate.year)
    try {
      const invoice = await db.transaction(async (trx) => {
        const number = await takeInvoiceNumber(trx, issueDate.year)
        const row = await Invoice.create(
          {
            customerId,
            number,
            kind: 'invoice',
            period: period.key,
            periodKey: period.key,
            periodStart: period.start.startOf('day'),
            periodEnd: period.end.startOf('day'),
            issueDate,
            dueDate: issueDate.plus({ days: tariff.paymentTermsDays }),
            netMinor: computed.netMinor,
            vatMinor: computed.vatMinor,
            grossMinor: computed.grossMinor,
            vatRateBp: computed.vatRateBp,
            currency: tariff.currency,
            status: 'draft',
          },
          { client: trx }
        )
        await InvoiceLine.createMany(
          computed.lines.map((line) => ({ ...line, invoiceId: row.id })),
          { client: trx }
        )
        return row
      })
      return { status: 'ready', invoice, created: true } as PrepareResult
    } catch (error) {
      /* another worker committed this customer's invoice first: its number stands, ours rolled back */
      if (!isDuplicateKey(error)) throw error
      const winner = await this.#existing(customerId, period)
      if (!winner) throw error
      return { status: 'ready', invoice: winner, created: false } as PrepareResult
    }
  }

  /**
   * Prints, archives (tmp file + rename) and marks issued; a no-op for an
   * issued invoice. The invoice row stays locked while its files are written,
   * so two workers finishing the same draft never overwrite each other's file:
   * the second one waits, then finds it issued.
   */
  async finish(invoice: Invoice): Promise<Invoice> {
    await invoice.refresh()
    if (invoice.status !== 'draft') return invoice

    const customer = await Customer.findOrFail(invoice.customerId)
    const lines = await InvoiceLine.query().where('invoice_id', invoice.id).orderBy('position')
    const preceding = invoice.cancelsInvoiceId ? await Invoice.find(invoice.cancelsInvoiceId) : null

    await db.transaction(async (trx) => {
      const query = Invoice.query({ client: trx }).where('id', invoice.id)
      if (!trx.dialect.name.includes('sqlite')) query.forUpdate()
      const locked = await query.first()
      if (!locked || locked.status !== 'draft') return

      const rendered = await renderInvoice(
        invoice,
        customer,
        lines,
        preceding?.number ?? null,
        preceding?.issueDate?.toISODate() ?? null
      )
      const base = `${invoice.issueDate!.year}/${invoice.number}`
      const pdf = await this.storage.write(`${base}.pdf`, rendered.pdf)
      const xml = await this.storage.write(`${base}.xml`, Buffer.from(rendered.xml, 'utf8'))
      await locked
        .merge({
          status: 'issued',
          filePath: pdf.path,
          fileSha256: pdf.sha256,
          xmlPath: xml.path,
          xmlSha256: xml.sha256,
          issuedAt: DateTime.utc(),
        })
        .save()
      logger.info({ invoice: invoice.number, sha256: pdf.sha256 }, 'invoice issued')
    })
    await invoice.refresh()
    return invoice
  }

  #existing(customerId: number, period: BillingPeriod) {
    return Invoice.query().where('customer_id', customerId).where('period_key', period.key).first()
  }
}

/**
 * The tariff bills German VAT (19 %, category S) only. A customer based abroad needs another
 * tax treatment (reverse charge for EU businesses, not taxable in Germany outside the EU), and
 * an issued invoice can never be changed: its invoice is refused before a number is taken, and
 * the run shows the customer as failed with this reason.
 */
export class UnsupportedTaxCase extends Error {}

async function assertGermanVat(customerId: number) {
  const customer = await db
    .from('customers')
    .where('id', customerId)
    .select('customer_number', 'country')
    .first()
  const country = String(customer?.country ?? 'DE').toUpperCase()
  if (country !== 'DE') {
    throw new UnsupportedTaxCase(
      `customer ${customer?.customer_number} is based in ${country}: the portal bills German VAT only; invoice this customer outside the portal (reverse charge / not taxable in Germany)`
    )
  }
}

function isDuplicateKey(error: unknown) {
  const code = (error as { code?: string })?.code
  return code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE'
}
