import { FormatFactoryService, InvoiceService, type Invoice as EInvoice } from '@e-invoice-eu/core'
import logger from '@adonisjs/core/services/logger'
import operator from '#config/operator'
import type Invoice from '#models/invoice'
import type Customer from '#models/customer'
import type InvoiceLine from '#models/invoice_line'
import { minorToDecimal } from '#services/invoices/money'

const EUR = 'EUR'

export type EInvoiceInput = {
  invoice: Invoice
  customer: Customer
  lines: InvoiceLine[]
  /** the cancelled invoice's number, for a cancellation */
  precedingNumber?: string | null
  /** and its issue date (BT-26), YYYY-MM-DD */
  precedingIssueDate?: string | null
}

/*
| BT-25/BT-26 (the invoice a cancellation corrects) in every CII-based format. The library
| (@e-invoice-eu/core 2.3.x) maps cac:BillingReference with its children read one level too
| high, so the reference never reaches the XML, and its own schema refuses the shape it would
| read. Its CII writer is therefore wrapped once: after it has written the XML, the reference
| from the input is added where CII puts it (ram:InvoiceReferencedDocument, right after the
| monetary summation). The Factur-X formats call the same writer for the embedded XML. Nothing
| is added when the library writes the element itself (a fixed version).
*/
const PATCHED = Symbol.for('kundenportal.cii.invoiceReferencedDocument')
const CiiFormat = (new FormatFactoryService() as any).formatServices.CII
if (!CiiFormat.prototype[PATCHED]) {
  const original = CiiFormat.prototype.generate
  CiiFormat.prototype.generate = async function (invoice: EInvoice, options: unknown) {
    const xml = await original.call(this, invoice, options)
    return typeof xml === 'string' ? withPrecedingInvoice(xml, invoice) : xml
  }
  CiiFormat.prototype[PATCHED] = true
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** Adds ram:InvoiceReferencedDocument (BT-25, BT-26) from the input's cac:BillingReference. */
export function withPrecedingInvoice(xml: string, invoice: EInvoice): string {
  const reference = (invoice as any)?.['ubl:Invoice']?.['cac:BillingReference']?.[0]?.[
    'cac:InvoiceDocumentReference'
  ]
  const id: unknown = reference?.['cbc:ID']
  const anchor = '</ram:SpecifiedTradeSettlementHeaderMonetarySummation>'
  if (typeof id !== 'string' || !id || xml.includes('<ram:InvoiceReferencedDocument>')) return xml
  if (!xml.includes(anchor)) return xml
  const issued: unknown = reference?.['cbc:IssueDate']
  const date =
    typeof issued === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(issued)
      ? `<ram:FormattedIssueDateTime><qdt:DateTimeString format="102">${issued.replaceAll('-', '')}</qdt:DateTimeString></ram:FormattedIssueDateTime>`
      : ''
  return xml.replace(
    anchor,
    `${anchor}<ram:InvoiceReferencedDocument><ram:IssuerAssignedID>${escapeXml(id)}</ram:IssuerAssignedID>${date}</ram:InvoiceReferencedDocument>`
  )
}

/* the library logs through this; its warnings are worth keeping, its chatter is not */
const libraryLogger = {
  log: (message: string) => logger.debug({ lib: 'e-invoice-eu' }, message),
  warn: (message: string) => logger.warn({ lib: 'e-invoice-eu' }, message),
  error: (message: string) => logger.error({ lib: 'e-invoice-eu' }, message),
}

/**
 * Builds the EN 16931 invoice (in @e-invoice-eu/core's UBL-keyed JSON) from a
 * stored invoice and lets the library write the formats: the Factur-X hybrid
 * PDF and the XRechnung CII XML. The library checks only the JSON shape, so the
 * sums here come straight from the stored, already consistent invoice.
 */
export class EInvoiceBuilder {
  #service = new InvoiceService(libraryLogger)

  /** Embeds factur-x.xml (profile EN 16931) into the printed PDF. */
  async facturX(input: EInvoiceInput, pdf: Uint8Array) {
    const result = await this.#service.generate(this.build(input), {
      format: 'Factur-X-EN16931',
      lang: 'de-de',
      pdf: { buffer: pdf, filename: `${input.invoice.number}.pdf`, mimetype: 'application/pdf' },
    })
    return result as Uint8Array
  }

  /** The XRechnung (CII) XML alone. */
  async xrechnung(input: EInvoiceInput) {
    const result = await this.#service.generate(this.build(input), {
      format: 'XRechnung-CII',
      lang: 'de-de',
    })
    return typeof result === 'string' ? result : Buffer.from(result).toString('utf8')
  }

  build({
    invoice,
    customer,
    lines,
    precedingNumber,
    precedingIssueDate,
  }: EInvoiceInput): EInvoice {
    const percent = minorToDecimal(invoice.vatRateBp)
    const taxCategory = {
      'cbc:ID': 'S',
      'cbc:Percent': percent,
      'cac:TaxScheme': { 'cbc:ID': 'VAT' },
    }
    const money = (minor: number) => minorToDecimal(minor)
    const dueDate = invoice.dueDate!.toISODate()!
    const issueDate = invoice.issueDate!.toISODate()!
    const isCancellation = invoice.kind === 'cancellation'
    /* a cancellation or a month of refunds: nothing to pay, no due date (BR-CO-25 asks for one
       only when an amount is due) */
    const refund = invoice.grossMinor < 0

    const data = {
      'ubl:Invoice': {
        'cbc:ID': invoice.number!,
        'cbc:IssueDate': issueDate,
        ...(refund ? {} : { 'cbc:DueDate': dueDate }),
        /* 380 commercial invoice, 384 corrected invoice (our cancellation) */
        'cbc:InvoiceTypeCode': isCancellation ? '384' : '380',
        /* one note only (several trigger a warning); a cancellation names the original here too,
           for a reader of the text (the reference itself: withPrecedingInvoice above) */
        'cbc:Note': [
          [
            isCancellation && precedingNumber ? `Storno der Rechnung ${precedingNumber}.` : '',
            `${operator.name}, ${operator.register}, Geschäftsführung: ${operator.managingDirectors}`,
          ]
            .filter(Boolean)
            .join(' '),
        ],
        'cbc:DocumentCurrencyCode': EUR,
        /* BR-DE-15: the buyer reference is the customer number */
        'cbc:BuyerReference': customer.customerNumber,
        'cac:InvoicePeriod': {
          'cbc:StartDate': invoice.periodStart.toISODate()!,
          'cbc:EndDate': invoice.periodEnd.toISODate()!,
        },
        ...(isCancellation && precedingNumber
          ? {
              'cac:BillingReference': [
                {
                  'cac:InvoiceDocumentReference': {
                    'cbc:ID': precedingNumber,
                    ...(precedingIssueDate ? { 'cbc:IssueDate': precedingIssueDate } : {}),
                  },
                },
              ],
            }
          : {}),
        'cac:AccountingSupplierParty': { 'cac:Party': this.#seller() },
        'cac:AccountingCustomerParty': { 'cac:Party': this.#buyer(customer) },
        /* without a delivery block the CII output fails the schema */
        'cac:Delivery': { 'cbc:ActualDeliveryDate': invoice.periodEnd.toISODate()! },
        'cac:PaymentMeans': [
          {
            'cbc:PaymentMeansCode': '58',
            'cbc:PaymentMeansCode@name': 'SEPA credit transfer',
            'cbc:PaymentID': invoice.number!,
            'cac:PayeeFinancialAccount': {
              'cbc:ID': operator.bank.iban,
              'cbc:Name': operator.name,
              'cac:FinancialInstitutionBranch': { 'cbc:ID': operator.bank.bic },
            },
          },
        ],
        'cac:PaymentTerms': {
          'cbc:Note': refund
            ? 'Bitte überweisen Sie nichts. Ein bereits gezahlter Betrag wird erstattet oder mit der nächsten Rechnung verrechnet.'
            : `Zahlbar ohne Abzug bis ${invoice.dueDate!.toFormat('dd.MM.yyyy')}.`,
        },
        'cac:TaxTotal': [
          {
            'cbc:TaxAmount': money(invoice.vatMinor),
            'cbc:TaxAmount@currencyID': EUR,
            'cac:TaxSubtotal': [
              {
                'cbc:TaxableAmount': money(invoice.netMinor),
                'cbc:TaxableAmount@currencyID': EUR,
                'cbc:TaxAmount': money(invoice.vatMinor),
                'cbc:TaxAmount@currencyID': EUR,
                'cac:TaxCategory': taxCategory,
              },
            ],
          },
        ],
        'cac:LegalMonetaryTotal': {
          'cbc:LineExtensionAmount': money(invoice.netMinor),
          'cbc:LineExtensionAmount@currencyID': EUR,
          'cbc:TaxExclusiveAmount': money(invoice.netMinor),
          'cbc:TaxExclusiveAmount@currencyID': EUR,
          'cbc:TaxInclusiveAmount': money(invoice.grossMinor),
          'cbc:TaxInclusiveAmount@currencyID': EUR,
          'cbc:PayableAmount': money(invoice.grossMinor),
          'cbc:PayableAmount@currencyID': EUR,
        },
        'cac:InvoiceLine': lines.map((line) => ({
          'cbc:ID': String(line.position),
          'cbc:InvoicedQuantity': String(line.quantity),
          'cbc:InvoicedQuantity@unitCode': 'C62',
          'cbc:LineExtensionAmount': money(line.netMinor),
          'cbc:LineExtensionAmount@currencyID': EUR,
          'cac:Item': { 'cbc:Name': line.description, 'cac:ClassifiedTaxCategory': taxCategory },
          'cac:Price': price(line.unitPriceCentiMinor),
        })),
      },
    }
    return data as unknown as EInvoice
  }

  #seller() {
    return {
      'cbc:EndpointID': operator.email,
      'cbc:EndpointID@schemeID': 'EM',
      'cac:PartyName': { 'cbc:Name': operator.name },
      'cac:PostalAddress': {
        'cbc:StreetName': operator.street,
        'cbc:CityName': operator.city,
        'cbc:PostalZone': operator.postalCode,
        'cac:Country': { 'cbc:IdentificationCode': operator.country },
      },
      'cac:PartyTaxScheme': [
        { 'cbc:CompanyID': operator.vatId, 'cac:TaxScheme': { 'cbc:ID': 'VAT' } },
      ],
      'cac:PartyLegalEntity': { 'cbc:RegistrationName': operator.name },
      /* BR-DE-5/6/7: seller contact with phone and e-mail */
      'cac:Contact': {
        'cbc:Name': 'Kundenservice',
        'cbc:Telephone': operator.supportPhone,
        'cbc:ElectronicMail': operator.email,
      },
    }
  }

  #buyer(customer: Customer) {
    return {
      ...(customer.email
        ? { 'cbc:EndpointID': customer.email, 'cbc:EndpointID@schemeID': 'EM' }
        : {}),
      'cac:PartyIdentification': { 'cbc:ID': customer.customerNumber },
      'cac:PartyName': { 'cbc:Name': customer.companyName },
      'cac:PostalAddress': {
        'cbc:StreetName': customer.street || '-',
        'cbc:CityName': customer.city || '-',
        'cbc:PostalZone': customer.postalCode || '-',
        'cac:Country': { 'cbc:IdentificationCode': customer.country || 'DE' },
      },
      ...(customer.vatId
        ? {
            'cac:PartyTaxScheme': {
              'cbc:CompanyID': customer.vatId,
              'cac:TaxScheme': { 'cbc:ID': 'VAT' },
            },
          }
        : {}),
      'cac:PartyLegalEntity': { 'cbc:RegistrationName': customer.companyName },
    }
  }
}

/** Unit prices allow two decimals: fractions of a cent are priced per 100 units. */
function price(centiMinor: number) {
  if (centiMinor % 100 === 0) {
    return {
      'cbc:PriceAmount': minorToDecimal(centiMinor / 100),
      'cbc:PriceAmount@currencyID': EUR,
    }
  }
  return {
    'cbc:PriceAmount': minorToDecimal(centiMinor),
    'cbc:PriceAmount@currencyID': EUR,
    'cbc:BaseQuantity': '100',
    'cbc:BaseQuantity@unitCode': 'C62',
  }
}
