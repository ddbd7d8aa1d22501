import { test } from '@japa/runner'
import { readFile, stat } from 'node:fs/promises'
import db from '@adonisjs/lucid/services/db'
import InvoiceRun from '#models/invoice_run'
import { DateTime } from 'luxon'
import Invoice from '#models/invoice'
import InvoiceRunItem from '#models/invoice_run_item'
import { resetState } from '#tests/helpers/db'
import { smtpSink } from '#tests/helpers/services'
import { recipients } from '#demo/smtp_sink'
import { createCustomer, createMerchant } from '#tests/helpers/auth'
import { getQueue } from '#services/queue/queues'
import { InvoiceRunService } from '#services/invoices/invoice_run_service'
import { InvoiceStorage, sha256 } from '#services/invoices/invoice_storage'
import { generateInvoiceJob } from '#jobs/generate_invoice'
import {
  addTransactions,
  expectedNumbers,
  invoicesOf,
  startWorkerProcess,
  testPeriod,
  waitForRun,
  waitUntil,
} from '#tests/functional/invoices/fixtures'
import { mailsSettled } from '#tests/helpers/queues'

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
  group.each.setup(async () => {
    await resetState()
    smtpSink.clear()
  })

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
        Boolean(m.parsed.subject?.includes(bakeryInvoice.number!)) &&
        recipients(m).includes('buchhaltung@baeckerei.example')
    )
    assert.include(toCustomer.parsed.text ?? '', '/invoices')
    await smtpSink.waitFor(
      (m) =>
        Boolean(m.parsed.subject?.includes(bakeryInvoice.number!)) &&
        recipients(m).includes(merchant.user.email)
    )
  })
})

/* let the previous test's queued jobs finish and forget them, so its late mails and
   job ids (the same invoice numbers and ids recur after resetState) don't leak in */
async function settleQueues() {
  await waitUntil(
    async () => {
      for (const name of ['invoices', 'mail'] as const) {
        const counts = await getQueue(name).getJobCounts('waiting', 'active')
        if (counts.waiting + counts.active > 0) return false
      }
      return true
    },
    { what: 'idle queues' }
  )
  for (const name of ['invoices', 'mail'] as const) await getQueue(name).obliterate({ force: true })
}

test.group('Invoices / exactly one invoice per customer and period', (group) => {
  group.each.setup(async () => {
    await settleQueues()
    await resetState()
    smtpSink.clear()
  })

  test('running the same period twice changes nothing', async ({ assert }) => {
    const { period } = await seedCustomers()
    const service = new InvoiceRunService()
    await service.start(period, 'test')
    await waitForRun(period)
    const first = await invoicesOf(period)

    await service.start(period, 'test again')
    const run = await waitForRun(period)
    assert.equal(run.status, 'completed')
    const second = await invoicesOf(period)
    assert.deepEqual(
      second.map((invoice) => [invoice.id, invoice.number, invoice.fileSha256]),
      first.map((invoice) => [invoice.id, invoice.number, invoice.fileSha256])
    )
    const sequence = await db.from('invoice_number_sequences').first()
    assert.equal(sequence.last_number, 2)
  })

  test('retrying a completed job neither re-numbers, re-renders nor re-mails', async ({
    assert,
  }) => {
    const { bakery, period } = await seedCustomers()
    await new InvoiceRunService().start(period, 'test')
    await waitForRun(period)
    const before = await Invoice.findByOrFail('customer_id', bakery.id)
    const storage = new InvoiceStorage()
    const mtime = (await stat(storage.resolve(before.filePath!))).mtimeMs
    await smtpSink.waitFor((m) => m.parsed.subject?.includes(before.number!) ?? false)

    const job = await getQueue('invoices').getJob(generateInvoiceJob.jobId(period.key, bakery.id))
    assert.equal(await job!.getState(), 'completed')
    await job!.retry('completed')
    await waitUntil(
      async () => {
        const item = await InvoiceRunItem.findByOrFail({ customerId: bakery.id })
        return item.attempts === 2 && (await job!.getState()) === 'completed'
      },
      { what: 'the retried job' }
    )

    const after = await Invoice.query().where('customer_id', bakery.id)
    assert.lengthOf(after, 1)
    assert.equal(after[0].number, before.number)
    assert.equal(after[0].fileSha256, before.fileSha256)
    assert.equal((await stat(storage.resolve(before.filePath!))).mtimeMs, mtime)
    await mailsSettled()
    const mails = smtpSink.mails.filter(
      (m) =>
        m.parsed.subject?.includes(before.number!) &&
        recipients(m).includes('buchhaltung@baeckerei.example')
    )
    assert.lengthOf(mails, 1)
  })

  test('two workers running the same period at once leave one invoice each, numbers without gaps', async ({
    assert,
  }) => {
    const period = testPeriod()
    const customers = []
    for (let i = 0; i < 8; i++) {
      customers.push(
        (await createCustomer({ terminals: [{ monthlyFeeMinor: 1000 + i }] })).customer
      )
    }
    const worker = await startWorkerProcess()
    try {
      const service = new InvoiceRunService()
      /* both worker processes get the run twice; and this process races each customer twice */
      await Promise.all([service.start(period, 'a'), service.start(period, 'b')])
      const run = await InvoiceRun.findByOrFail('period', period.key)
      await Promise.all(
        customers.flatMap((customer) =>
          [1, 2].map(() =>
            service.processItem({ runId: run.id, customerId: customer.id, period: period.key })
          )
        )
      )
      await waitForRun(period)
    } finally {
      await worker.stop()
    }

    const invoices = await invoicesOf(period)
    assert.lengthOf(invoices, customers.length)
    assert.deepEqual(
      invoices.map((invoice) => invoice.number),
      expectedNumbers(DateTime.now().setZone('Europe/Berlin').year, customers.length)
    )
    assert.sameMembers(
      invoices.map((invoice) => invoice.customerId),
      customers.map((customer) => customer.id)
    )
    const storage = new InvoiceStorage()
    for (const invoice of invoices) {
      assert.equal(invoice.status, 'issued')
      const bytes = await readFile(storage.resolve(invoice.filePath!))
      assert.equal(sha256(bytes), invoice.fileSha256)
    }
  }).timeout(120_000)
})

test.group('Invoices / failures', (group) => {
  group.each.setup(() => resetState())

  test('a job that fails on every attempt leaves the item failed with its error', async ({
    assert,
  }) => {
    const { customer } = await createCustomer({ terminals: [{ monthlyFeeMinor: 1990 }] })
    const period = testPeriod()
    const now = DateTime.utc().toFormat('yyyy-MM-dd HH:mm:ss')
    const [runId] = await db.table('invoice_runs').insert({
      period: period.key,
      status: 'running',
      customers_total: 1,
      triggered_by: 'test',
      started_at: now,
      created_at: now,
      updated_at: now,
    })
    await db.table('invoice_run_items').insert({
      invoice_run_id: runId,
      customer_id: customer.id,
      status: 'pending',
      attempts: 0,
      created_at: now,
      updated_at: now,
    })
    /* the real handler with a payload it cannot bill (no such month), two quick attempts */
    await getQueue('invoices').add(
      generateInvoiceJob.name,
      { runId, customerId: customer.id, period: 'not-a-month' },
      { attempts: 2, backoff: { type: 'fixed', delay: 100 } }
    )
    const run = await waitForRun(period)
    assert.equal(run.status, 'completed_with_failures')
    const item = await InvoiceRunItem.findByOrFail('customer_id', customer.id)
    assert.equal(item.status, 'failed')
    assert.equal(item.attempts, 2)
    assert.include(item.lastError ?? '', 'not-a-month')
    assert.lengthOf(await Invoice.all(), 0)
  })
})
