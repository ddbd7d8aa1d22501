import { test } from '@japa/runner'
import { readFile } from 'node:fs/promises'
import { DateTime } from 'luxon'
import Invoice from '#models/invoice'
import InvoiceRunItem from '#models/invoice_run_item'
import { resetState } from '#tests/helpers/db'
import { smtpSink } from '#tests/helpers/services'
import { recipients } from '#services/dev/smtp_sink'
import { createCustomer, createMerchant } from '#tests/helpers/auth'
import { getQueue } from '#services/queue/queues'
import { InvoiceRunService } from '#services/invoices/invoice_run_service'
import { InvoiceStorage, sha256 } from '#services/invoices/invoice_storage'
import { generateInvoiceJob } from '#jobs/generate_invoice'
import {
  addTransactions,
  expectedNumbers,
  invoicesOf,
  testPeriod,
  waitForRun,
  waitUntil,
} from '#tests/functional/invoices/fixtures'

/** Three customers: two with something to bill, one with nothing. */
async function seedCustomers(period = testPeriod()) {
  const merchant = await createMerchant({
    customers: [{ email: 'buchhaltung@baeckerei.example', terminals: [{ monthlyFeeMinor: 1990 }] }],
  })
  const [bakery] = merchant.customers
  await addTransactions(bakery, merchant.terminals[0], period, [
    { amountMinor: 2500 },
    { amountMinor: 7500, cardBrand: 'visa' },
    { amountMinor: 1000, type: 'refund' },
    { amountMinor: 9999, status: 'declined' },
  ])
  const second = await createCustomer({ terminals: [{ monthlyFeeMinor: 2500 }] })
  const idle = await createCustomer({ terminals: [{ status: 'decommissioned' }] })
  return { merchant, bakery, second: second.customer, idle: idle.customer, period }
}

test.group('Invoices / monthly run', (group) => {
  group.each.setup(() => resetState())

  test('a run issues one archived, hashed invoice per billable customer and mails it', async ({
    assert,
  }) => {
    const { merchant, bakery, idle, period } = await seedCustomers()
    await new InvoiceRunService().start(period, 'test')
    const run = await waitForRun(period)
    assert.equal(run.status, 'completed')

    const invoices = await invoicesOf(period)
    assert.lengthOf(invoices, 2)
    assert.deepEqual(
      invoices.map((invoice) => invoice.number),
      expectedNumbers(DateTime.now().setZone('Europe/Berlin').year, 2)
    )
    const storage = new InvoiceStorage()
    for (const invoice of invoices) {
      assert.equal(invoice.status, 'issued')
      const bytes = await readFile(storage.resolve(invoice.filePath!))
      assert.equal(bytes.subarray(0, 5).toString(), '%PDF-')
      assert.equal(sha256(bytes), invoice.fileSha256)
      const xml = await readFile(storage.resolve(invoice.xmlPath!), 'utf8')
      assert.equal(sha256(Buffer.from(xml)), invoice.xmlSha256)
      assert.include(xml, invoice.number!)
      assert.equal(invoice.grossMinor, invoice.netMinor + invoice.vatMinor)
    }

    const bakeryInvoice = invoices.find((invoice) => invoice.customerId === bakery.id)!
    /* 19.90 fee; girocard 1 sale − 1 refund → 0 × 4.5 ct, 0.20 % of 15 € = 3 ct; visa 6 ct + 0.30 % of 75 € = 23 ct */
    assert.equal(bakeryInvoice.netMinor, 1990 + 3 + 6 + 23)

    const skipped = await InvoiceRunItem.findByOrFail({ customerId: idle.id })
    assert.equal(skipped.status, 'skipped')
    assert.isNull(await Invoice.findBy('customer_id', idle.id))

    const toCustomer = await smtpSink.waitFor(
      (m) =>
        m.parsed.subject?.includes(bakeryInvoice.number!) &&
        recipients(m).includes('buchhaltung@baeckerei.example')
    )
    assert.include(toCustomer.parsed.text ?? '', '/invoices')
    await smtpSink.waitFor(
      (m) =>
        m.parsed.subject?.includes(bakeryInvoice.number!) &&
        recipients(m).includes(merchant.user.email)
    )
  })
})
