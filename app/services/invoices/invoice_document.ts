import edge from 'edge.js'
import i18nManager from '@adonisjs/i18n/services/main'
import tariff from '#config/tariff'
import type Invoice from '#models/invoice'
import type Customer from '#models/customer'
import type InvoiceLine from '#models/invoice_line'
import pdfRenderer from '#services/pdf/main'
import { EInvoiceBuilder } from '#services/invoices/e_invoice_builder'
import { formatMoney } from '#services/format/formatters'
import { invoiceLanguage, lineDescription } from '#services/invoices/invoice_language'

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
  precedingNumber: string | null = null,
  precedingIssueDate: string | null = null
): Promise<RenderedInvoice> {
  const html = await renderInvoiceHtml(invoice, customer, lines, precedingNumber)
  const printed = await pdfRenderer.render(html)
  const input = { invoice, customer, lines, precedingNumber, precedingIssueDate }
  const pdf = await eInvoices.facturX(input, printed)
  const xml = await eInvoices.xrechnung(input)
  return { pdf, xml }
}

/**
 * The invoice as self-contained HTML in the customer's language (`customers.language`,
 * German by default): texts, dates and amounts; the embedded XML is the same for every language.
 */
export async function renderInvoiceHtml(
  invoice: Invoice,
  customer: Customer,
  lines: InvoiceLine[],
  precedingNumber: string | null = null
) {
  const locale = invoiceLanguage(customer)
  const intl = locale === 'en' ? 'en-GB' : 'de-DE'
  const i18n = i18nManager.locale(locale)
  return edge.render('pdf/invoice', {
    locale,
    invoice,
    customer,
    lines,
    precedingNumber,
    t: i18n.t.bind(i18n),
    vatRate: (invoice.vatRateBp / 100).toLocaleString(intl),
    describe: (description: string) => lineDescription(description, locale),
    paymentTermsDays: tariff.paymentTermsDays,
    unitPrice: (centiMinor: number) =>
      centiMinor % 100 === 0
        ? formatMoney(centiMinor / 100, locale)
        : new Intl.NumberFormat(intl, {
            style: 'currency',
            currency: 'EUR',
            minimumFractionDigits: 2,
            maximumFractionDigits: 4,
          }).format(centiMinor / 10_000),
  })
}
