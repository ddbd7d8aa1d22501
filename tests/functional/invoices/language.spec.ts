import { test } from '@japa/runner'
import { readFile } from 'node:fs/promises'
import Customer from '#models/customer'
import Invoice from '#models/invoice'
import { resetState } from '#tests/helpers/db'
import { smtpSink } from '#tests/helpers/services'
import { recipients } from '#demo/smtp_sink'
import { createMerchant } from '#tests/helpers/auth'
import { InvoiceRunService } from '#services/invoices/invoice_run_service'
import { InvoiceStorage } from '#services/invoices/invoice_storage'
import { lineDescription } from '#services/invoices/invoice_language'
import { addTransactions, testPeriod, waitForRun } from '#tests/functional/invoices/fixtures'
import { pdfText, xmlValue, xmlValues } from '#tests/functional/invoices/pdf_tools'
import { Readable } from 'node:stream'
import { importCustomers } from '#services/import/import_customers'

const csv = (lines: string[]) => Readable.from([lines.join('\n') + '\n'])

/** The element names of an XML document in order (its structure without the values). */
const structure = (xml: string) => [...xml.matchAll(/<([A-Za-z][\w:.-]*)/g)].map((m) => m[1])

test.group('Invoices / in the customer language', (group) => {
  group.each.setup(async () => {
    await resetState()
    smtpSink.clear()
  })
  group.each.timeout(120_000)

  test('an English customer gets an English PDF and mail to its address, each user a mail in their language; the XML is the same as a German one', async ({
    assert,
  }) => {
    const period = testPeriod()
    const german = await createMerchant({
      locale: 'en',
      customers: [{ email: 'buchhaltung@de.example', terminals: [{ monthlyFeeMinor: 2490 }] }],
    })
    const english = await createMerchant({
      locale: 'de',
      customers: [{ email: 'accounts@en.example', terminals: [{ monthlyFeeMinor: 2490 }] }],
    })
    await Customer.query().where('id', english.customers[0].id).update({ language: 'en' })
    for (const merchant of [german, english]) {
      await addTransactions(merchant.customers[0], merchant.terminals[0], period, [
        { amountMinor: 123456 },
        { amountMinor: 999, cardBrand: 'visa' },
        { amountMinor: 500, type: 'refund' },
      ])
    }

    await new InvoiceRunService().start(period, 'test')
    await waitForRun(period)
    const storage = new InvoiceStorage()
    const de = await Invoice.findByOrFail('customer_id', german.customers[0].id)
    const en = await Invoice.findByOrFail('customer_id', english.customers[0].id)

    const enText = (await pdfText(await readFile(storage.resolve(en.filePath!)))).replace(
      /\s+/g,
      ' '
    )
    const deText = (await pdfText(await readFile(storage.resolve(de.filePath!)))).replace(
      /\s+/g,
      ' '
    )
    for (const phrase of [
      `Invoice ${en.number}`,
      'Invoice date',
      'Service period',
      'Due date',
      'Dear Sir or Madam',
      'Unit price',
      'Invoice total',
      'Payable without deduction within 14 days',
      'Monthly network operation fee, terminal',
      'Turnover fee girocard',
      '€24.90',
    ]) {
      assert.include(enText, phrase)
    }
    /* dates in the English format, nothing German left but the operator's own data */
    assert.include(enText, en.dueDate!.toFormat('dd/MM/yyyy'))
    for (const word of [
      'Rechnungsdatum',
      'Sehr geehrte',
      'Zahlbar',
      'Monatliche',
      'Umsatzentgelt',
    ]) {
      assert.notInclude(enText, word)
    }
    for (const phrase of [
      `Rechnung ${de.number}`,
      'Rechnungsdatum',
      'Zahlbar ohne Abzug',
      '24,90 €',
    ]) {
      assert.include(deText, phrase)
    }

    /* the customer's own address gets the customer's language; a user gets the user's own */
    const enMail = await smtpSink.waitFor(
      (m) =>
        recipients(m).includes('accounts@en.example') &&
        Boolean(m.parsed.subject?.includes(en.number!))
    )
    assert.include(enMail.parsed.subject ?? '', 'Your invoice')
    assert.include(enMail.parsed.text ?? '', 'is ready in the invoice archive')
    const enUserMail = await smtpSink.waitFor(
      (m) =>
        recipients(m).includes(english.user.email) &&
        Boolean(m.parsed.subject?.includes(en.number!))
    )
    assert.include(enUserMail.parsed.subject ?? '', 'Ihre Rechnung')
    const deUserMail = await smtpSink.waitFor(
      (m) =>
        recipients(m).includes(german.user.email) && Boolean(m.parsed.subject?.includes(de.number!))
    )
    assert.include(deUserMail.parsed.subject ?? '', 'Your invoice')
    const deCustomerMail = await smtpSink.waitFor(
      (m) =>
        recipients(m).includes('buchhaltung@de.example') &&
        Boolean(m.parsed.subject?.includes(de.number!))
    )
    assert.include(deCustomerMail.parsed.subject ?? '', 'Ihre Rechnung')

    /* XML: same root, same structure, same amounts and codes; item names stay German */
    const enXml = await readFile(storage.resolve(en.xmlPath!), 'utf8')
    const deXml = await readFile(storage.resolve(de.xmlPath!), 'utf8')
    assert.deepEqual(structure(enXml), structure(deXml))
    assert.equal(structure(enXml)[0], structure(deXml)[0])
    for (const tag of [
      'ram:TaxBasisTotalAmount',
      'ram:GrandTotalAmount',
      'ram:TypeCode',
      'ram:CategoryCode',
      'ram:InvoiceCurrencyCode',
    ]) {
      assert.equal(xmlValue(enXml, tag), xmlValue(deXml, tag), tag)
    }
    assert.deepEqual(
      xmlValues(enXml, 'ram:LineTotalAmount'),
      xmlValues(deXml, 'ram:LineTotalAmount')
    )
    /* item names as the tariff wrote them (German for both; only the terminal IDs differ) */
    const itemNames = (xml: string) =>
      xmlValues(xml, 'ram:Name')
        .filter((name) => name.includes('Terminal'))
        .map((name) => name.replace(/\d{8}/g, 'T'))
    assert.deepEqual(itemNames(enXml), itemNames(deXml))
    assert.include(enXml, 'Monatliche Netzbetriebsgebühr')
  })

  test('English line texts translate the tariff patterns and keep anything else', ({ assert }) => {
    assert.equal(
      lineDescription(
        'Transaktionsentgelt Sonstige Karten, Terminal 10000001 (1 Umsätze, 2 Erstattungen)',
        'en'
      ),
      'Transaction fee Other cards, terminal 10000001 (1 sale, 2 refunds)'
    )
    assert.equal(
      lineDescription('Umsatzentgelt Visa 0,30 % von 1.234,56 €, Terminal 10000001', 'en'),
      'Turnover fee Visa 0.30 % of €1,234.56, terminal 10000001'
    )
    assert.equal(lineDescription('Gutschrift', 'en'), 'Gutschrift')
    assert.equal(
      lineDescription('Monatliche Netzbetriebsgebühr Terminal 1', 'de'),
      'Monatliche Netzbetriebsgebühr Terminal 1'
    )
  })

  test('the customer import takes an optional language column', async ({ assert }) => {
    const header =
      'customer_number,company_name,street,postal_code,city,country,email,phone,vat_id,iban'
    const summary = await importCustomers(
      csv([
        `${header},settlement_rhythm,language`,
        'K1001,Alpha GmbH,,,,DE,,,,,daily,en',
        'K1002,Beta GmbH,,,,DE,,,,,,',
        'K1003,Gamma GmbH,,,,DE,,,,,,fr',
      ])
    )
    assert.equal(summary.inserted, 2)
    assert.deepEqual(summary.errors, [{ line: 4, reason: 'language "fr" must be de or en' }])
    assert.equal((await Customer.findByOrFail('customer_number', 'K1001')).language, 'en')
    assert.equal((await Customer.findByOrFail('customer_number', 'K1002')).language, 'de')

    /* a file without the column leaves the stored language as it is */
    await importCustomers(csv([header, 'K1001,Alpha AG,,,,DE,,,,']))
    const alpha = await Customer.findByOrFail('customer_number', 'K1001')
    assert.equal(alpha.companyName, 'Alpha AG')
    assert.equal(alpha.language, 'en')
  })
})
