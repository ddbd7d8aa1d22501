import edge from 'edge.js'
import i18nManager from '@adonisjs/i18n/services/main'
import tariff from '#config/tariff'
import type Invoice from '#models/invoice'
import type Customer from '#models/customer'
import type InvoiceLine from '#models/invoice_line'
import pdfRenderer from '#services/pdf/main'
import { EInvoiceBuilder } from '#services/invoices/e_invoice_builder'
import { formatMoney } from '#services/format/formatters'

export type RenderedInvoice = { pdf: Uint8Array; xml: string }

const eInvoices = new EInvoiceBuilder()

/**
 * The printable and the structured invoice from one stored row: edge → HTML →
 * Chromium PDF → Factur-X hybrid (XML embedded), plus the XRechnung XML alone.
 */
export async function renderInvoice(
  invoice: Invoice,
  customer: Customer,
  lines: InvoiceLine[],
  precedingNumber: string | null = null
): Promise<RenderedInvoice> {
  const html = await renderInvoiceHtml(invoice, customer, lines, precedingNumber)
  const printed = await pdfRenderer.render(html)
  const input = { invoice, customer, lines, precedingNumber }
  const pdf = await eInvoices.facturX(input, printed)
  const xml = await eInvoices.xrechnung(input)
  return { pdf, xml }
}

/** The invoice as self-contained HTML (German, as the legal document is). */
export async function renderInvoiceHtml(
  invoice: Invoice,
  customer: Customer,
  lines: InvoiceLine[],
  precedingNumber: string | null = null
) {
  const i18n = i18nManager.locale('de')
  return edge.render('pdf/invoice', {
    invoice,
    customer,
    lines,
    precedingNumber,
    t: i18n.t.bind(i18n),
    vatRate: (invoice.vatRateBp / 100).toLocaleString('de-DE'),
    paymentTermsDays: tariff.paymentTermsDays,
    unitPrice: (centiMinor: number) =>
      centiMinor % 100 === 0
        ? formatMoney(centiMinor / 100, 'de')
        : new Intl.NumberFormat('de-DE', {
            style: 'currency',
            currency: 'EUR',
            minimumFractionDigits: 2,
            maximumFractionDigits: 4,
          }).format(centiMinor / 10_000),
  })
}
