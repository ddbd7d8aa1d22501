import { test } from '@japa/runner'
import { readFile } from 'node:fs/promises'
import InvoiceLine from '#models/invoice_line'
import { resetState } from '#tests/helpers/db'
import { createCustomer } from '#tests/helpers/auth'
import operator from '#config/operator'
import { InvoiceIssuer } from '#services/invoices/invoice_issuer'
import { InvoiceStorage } from '#services/invoices/invoice_storage'
import { minorToDecimal } from '#services/invoices/money'
import { addTransactions, testPeriod } from '#tests/functional/invoices/fixtures'
import {
  embeddedFiles,
  pdfText,
  xmlValue,
  xmlValues,
  xmpMetadata,
} from '#tests/functional/invoices/pdf_tools'

test.group('Invoices / e-invoice (Factur-X EN 16931, XRechnung)', (group) => {
  group.each.setup(() => resetState())

  test('the PDF embeds factur-x.xml whose number and totals match the database', async ({
    assert,
  }) => {
    const period = testPeriod()
    const { customer, terminals } = await createCustomer({
      companyName: 'Café Sonnenschein GmbH',
      terminals: [{ monthlyFeeMinor: 2490 }],
    })
    customer.vatId = 'DE987654321'
    await customer.save()
    await addTransactions(customer, terminals[0], period, [
      { amountMinor: 1234 },
      { amountMinor: 5678 },
      { amountMinor: 999, cardBrand: 'mastercard' },
      { amountMinor: 500, type: 'refund' },
    ])

    const issuer = new InvoiceIssuer()
    const prepared = await issuer.prepare(customer.id, period)
    assert.equal(prepared.status, 'ready')
    if (prepared.status !== 'ready') return
    const invoice = await issuer.finish(prepared.invoice)
    const lines = await InvoiceLine.query().where('invoice_id', invoice.id)

    const pdf = await readFile(new InvoiceStorage().resolve(invoice.filePath!))
    const files = await embeddedFiles(pdf)
    assert.isTrue(files.has('factur-x.xml'), `embedded: ${[...files.keys()].join(', ')}`)
    const xml = files.get('factur-x.xml')!.toString('utf8')

    /* profile EN 16931 in the XML and in the PDF/A-3 XMP */
    assert.equal(
      xmlValue(xml, 'ram:ID', xml.indexOf('GuidelineSpecifiedDocumentContextParameter')),
      'urn:cen.eu:en16931:2017'
    )
    const xmp = await xmpMetadata(pdf)
    assert.match(xmp, /ConformanceLevel>\s*EN 16931\s*</)
    assert.include(xmp, 'factur-x.xml')

    /* number and totals from the database */
    assert.equal(xmlValue(xml, 'ram:ID', xml.indexOf('<rsm:ExchangedDocument>')), invoice.number)
    assert.equal(xmlValue(xml, 'ram:TaxBasisTotalAmount'), minorToDecimal(invoice.netMinor))
    assert.equal(xmlValue(xml, 'ram:TaxTotalAmount'), minorToDecimal(invoice.vatMinor))
    assert.equal(xmlValue(xml, 'ram:GrandTotalAmount'), minorToDecimal(invoice.grossMinor))
    assert.equal(xmlValue(xml, 'ram:DuePayableAmount'), minorToDecimal(invoice.grossMinor))
    const lineTotals = xmlValues(xml, 'ram:LineTotalAmount')
    /* every line's total plus the header sum (BR-CO-10: the header equals the sum of the lines) */
    assert.lengthOf(lineTotals, lines.length + 1)
    const lineSum = lineTotals
      .slice(0, -1)
      .reduce((sum, value) => sum + Math.round(Number(value) * 100), 0)
    assert.equal(lineSum, invoice.netMinor)
    assert.equal(lineTotals.at(-1), minorToDecimal(invoice.netMinor))

    /* parties, period, terms, bank account */
    assert.include(xml, operator.vatId)
    assert.include(xml, 'DE987654321')
    assert.include(xml, operator.bank.iban)
    assert.equal(
      xmlValue(xml, 'udt:DateTimeString', xml.indexOf('BillingSpecifiedPeriod')),
      invoice.periodStart.toFormat('yyyyMMdd')
    )
    assert.include(
      xmlValue(xml, 'ram:Description', xml.indexOf('SpecifiedTradePaymentTerms')) ?? '',
      'Zahlbar'
    )

    /* the printed page says the same */
    const text = await pdfText(pdf)
    assert.include(text, invoice.number!)
    assert.include(text, 'Café Sonnenschein GmbH')
  })

  test('the XRechnung XML is archived with its hash and carries buyer reference and seller contact', async ({
    assert,
  }) => {
    const period = testPeriod()
    const { customer } = await createCustomer({ terminals: [{ monthlyFeeMinor: 1990 }] })
    const issuer = new InvoiceIssuer()
    const prepared = await issuer.prepare(customer.id, period)
    if (prepared.status !== 'ready') throw new Error('expected an invoice')
    const invoice = await issuer.finish(prepared.invoice)
    const xml = await readFile(new InvoiceStorage().resolve(invoice.xmlPath!), 'utf8')
    assert.include(xml, 'urn:xeinkauf.de:kosit:xrechnung')
    assert.equal(xmlValue(xml, 'ram:BuyerReference'), customer.customerNumber)
    assert.include(xml, operator.email)
    assert.include(xml, operator.supportPhone)
    assert.equal(xmlValue(xml, 'ram:GrandTotalAmount'), minorToDecimal(invoice.grossMinor))
  })
})
