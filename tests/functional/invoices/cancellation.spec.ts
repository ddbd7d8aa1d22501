import { test } from '@japa/runner'
import { readFile } from 'node:fs/promises'
import Invoice from '#models/invoice'
import { resetState } from '#tests/helpers/db'
import { createCustomer, mailTo } from '#tests/helpers/auth'
import { InvoiceIssuer } from '#services/invoices/invoice_issuer'
import { InvoiceCancellation } from '#services/invoices/invoice_cancellation'
import { InvoiceStorage, sha256 } from '#services/invoices/invoice_storage'
import { minorToDecimal } from '#services/invoices/money'
import { testPeriod } from '#tests/functional/invoices/fixtures'
import { embeddedFiles, pdfText, xmlValue } from '#tests/functional/invoices/pdf_tools'

test.group('Invoices / cancellation (GoBD correction)', (group) => {
  group.each.setup(() => resetState())

  test('a cancellation invoice references the original, which stays unchanged', async ({
    assert,
  }) => {
    const { customer } = await createCustomer({
      email: 'buchhaltung@storno.example',
      terminals: [{ monthlyFeeMinor: 1990 }],
    })
    const issuer = new InvoiceIssuer()
    const prepared = await issuer.prepare(customer.id, testPeriod())
    if (prepared.status !== 'ready') throw new Error('expected an invoice')
    const original = await issuer.finish(prepared.invoice)
    const storage = new InvoiceStorage()
    const originalBytes = await readFile(storage.resolve(original.filePath!))

    const service = new InvoiceCancellation()
    const result = await service.cancel(original.number!)
    assert.equal(result.status, 'ok')
    if (result.status !== 'ok') return
    const { cancellation } = result
    assert.equal(cancellation.kind, 'cancellation')
    assert.equal(cancellation.status, 'issued')
    assert.equal(cancellation.cancelsInvoiceId, original.id)
    assert.equal(cancellation.grossMinor, -original.grossMinor)
    assert.notEqual(cancellation.number, original.number)
    assert.equal(result.original.status, 'cancelled')

    /* the original file is untouched and still matches its hash */
    const after = await readFile(storage.resolve(original.filePath!))
    assert.isTrue(after.equals(originalBytes))
    assert.equal(sha256(after), result.original.fileSha256)

    const pdf = await readFile(storage.resolve(cancellation.filePath!))
    assert.include(await pdfText(pdf), `Storniert die Rechnung ${original.number}`)
    const xml = (await embeddedFiles(pdf)).get('factur-x.xml')!.toString('utf8')
    assert.equal(xmlValue(xml, 'ram:TypeCode'), '384')
    assert.equal(xmlValue(xml, 'ram:GrandTotalAmount'), minorToDecimal(cancellation.grossMinor))
    assert.include(xml, original.number!)
    /* BT-25/BT-26: the corrected invoice, machine-readable, in the embedded and the XRechnung XML */
    const standalone = await readFile(storage.resolve(cancellation.xmlPath!), 'utf8')
    for (const document of [xml, standalone]) {
      const referenced =
        /<ram:InvoiceReferencedDocument>([\s\S]*?)<\/ram:InvoiceReferencedDocument>/.exec(
          document
        )?.[1]
      assert.isDefined(referenced, 'ram:InvoiceReferencedDocument')
      assert.equal(xmlValue(referenced!, 'ram:IssuerAssignedID'), original.number)
      assert.include(referenced!, original.issueDate!.toFormat('yyyyMMdd'))
    }
    /* nothing to pay: no due date, no „Zahlbar …“, a refund note instead (PDF and XML) */
    const text = (await pdfText(pdf)).replace(/\s+/g, ' ')
    assert.include(text, `hiermit stornieren wir die Rechnung ${original.number} vollständig`)
    assert.include(text, 'Bitte überweisen Sie nichts.')
    assert.notInclude(text, 'Zahlbar ohne Abzug')
    assert.notInclude(text, 'Fällig am')
    assert.notInclude(xml, 'DueDateDateTime')
    assert.include(xml, 'Bitte überweisen Sie nichts.')
    /* and the merchant is told, with the cancelled invoice's number */
    const mail = await mailTo(customer.email!, `Ihre Stornorechnung ${cancellation.number}`)
    assert.include(mail.parsed.subject ?? '', `zur Rechnung ${original.number}`)
    assert.include(mail.parsed.text ?? '', 'Bitte überweisen Sie nichts.')
    assert.notInclude(mail.parsed.text ?? '', 'fällig')

    /* again: the same cancellation, no second one */
    const again = await service.cancel(original.number!)
    assert.equal(again.status, 'ok')
    assert.lengthOf(await Invoice.query().where('kind', 'cancellation'), 1)
    assert.equal((await service.cancel(cancellation.number!)).status, 'not_cancellable')
  })

  test('invoices:cancel --reissue corrects a period: cancellation plus a new invoice from today’s data', async ({
    assert,
  }) => {
    const { customer, terminals } = await createCustomer({
      email: 'buchhaltung@korrektur.example',
      terminals: [{ monthlyFeeMinor: 1990 }],
    })
    const issuer = new InvoiceIssuer()
    const period = testPeriod()
    const prepared = await issuer.prepare(customer.id, period)
    if (prepared.status !== 'ready') throw new Error('expected an invoice')
    const original = await issuer.finish(prepared.invoice)
    /* the fee was wrong in the master data; corrected since */
    terminals[0].monthlyFeeMinor = 2990
    await terminals[0].save()

    const { default: ace } = await import('@adonisjs/core/services/ace')
    const command = await ace.exec('invoices:cancel', [original.number!, '--reissue'])
    assert.equal(command.exitCode, 0)
    const forPeriod = await Invoice.query()
      .where('customer_id', customer.id)
      .where('period', period.key)
      .orderBy('id')
    assert.deepEqual(
      forPeriod.map((invoice) => [invoice.kind, invoice.status]),
      [
        ['invoice', 'cancelled'],
        ['cancellation', 'issued'],
        ['invoice', 'issued'],
      ]
    )
    const corrected = forPeriod[2]
    assert.notEqual(corrected.number, original.number)
    assert.equal(corrected.netMinor, 2990)
    assert.equal(corrected.grossMinor - corrected.vatMinor, 2990)
    /* the original keeps its number and file; only its period slot is free */
    assert.equal(forPeriod[0].number, original.number)
    assert.equal(forPeriod[0].fileSha256, original.fileSha256)
    await mailTo('buchhaltung@korrektur.example', `Ihre Rechnung ${corrected.number}`)

    /* the same command again changes nothing */
    await ace.exec('invoices:cancel', [original.number!, '--reissue'])
    assert.lengthOf(
      await Invoice.query().where('customer_id', customer.id).where('period', period.key),
      3
    )
  })

  test('a customer based abroad gets no invoice with German VAT, and no number is used up', async ({
    assert,
  }) => {
    const { customer } = await createCustomer({ terminals: [{ monthlyFeeMinor: 1990 }] })
    customer.country = 'AT'
    customer.vatId = 'ATU12345678'
    await customer.save()
    const issuer = new InvoiceIssuer()
    await assert.rejects(
      () => issuer.prepare(customer.id, testPeriod()),
      /based in AT: the portal bills German VAT only/
    )
    assert.lengthOf(await Invoice.query().where('customer_id', customer.id), 0)
    /* the next German customer's invoice takes the number that was free */
    const german = await createCustomer({ terminals: [{ monthlyFeeMinor: 1990 }] })
    const prepared = await issuer.prepare(german.customer.id, testPeriod())
    assert.equal(prepared.status, 'ready')
    if (prepared.status === 'ready') assert.match(prepared.invoice.number!, /-000001$/)
  })
})
