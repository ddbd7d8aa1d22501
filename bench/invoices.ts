/*
| Invoices benchmark (issue 7). Boots the app against MariaDB database
| `kundenportal_bench_inv` (created as root with `mariadb -uroot`, migrated with
| `node ace migration:run`) and prints, in one run:
|
|   1. warm PDF render p50 (shared Chromium, reused page) as a ratio to a cold
|      browser launch per PDF                                   (goal ≤ 0.2)
|   2. a run for 200 customers through BullMQ (in-process WorkerPool, as
|      `node ace queue:work` runs it) as a throughput ratio to the same code
|      called in a loop without the queue                        (goal ≥ 0.8)
|   3. the worker's peak RSS after 500 invoice PDFs (Chromium print + Factur-X)
|      vs after 50 (goal ≤ 1.2×), and the number of Chromium processes (constant)
|
|   node --import=@poppinss/ts-exec bench/invoices.ts
|
| Credentials from `.env.test` (override with DB_HOST, DB_PORT, DB_USER, DB_PASSWORD).
*/
import 'reflect-metadata'
import { execFile } from 'node:child_process'
import { rm } from 'node:fs/promises'
import { promisify } from 'node:util'
import { Ignitor } from '@adonisjs/core'

const ROOT = new URL('../', import.meta.url)
const DATABASE = 'kundenportal_bench_inv'
const CUSTOMERS = 200
const run = promisify(execFile)
const fmt = (value: number, digits = 2) =>
  new Intl.NumberFormat('en-US', { maximumFractionDigits: digits }).format(value)
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

/* the bench owns its database, queue prefix and archive folder */
process.env.NODE_ENV = 'test'
process.env.DB_DATABASE = DATABASE
process.env.QUEUE_PREFIX = 'kp-bench-inv'
process.env.INVOICE_STORAGE_PATH = 'tmp/bench-invoices'
process.env.LOG_LEVEL = 'warn'
process.env.LOG_FILE = 'tmp/bench-invoices.log'

async function prepareDatabase() {
  await run('mariadb', [
    '-uroot',
    '-e',
    `CREATE DATABASE IF NOT EXISTS \`${DATABASE}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;` +
      ` GRANT ALL PRIVILEGES ON \`${DATABASE}\`.* TO 'kundenportal'@'127.0.0.1';` +
      ` GRANT ALL PRIVILEGES ON \`${DATABASE}\`.* TO 'kundenportal'@'localhost';`,
  ])
  await run(process.execPath, ['ace', 'migration:fresh', '--force'], {
    cwd: ROOT.pathname,
    env: process.env,
  })
  await rm(new URL('tmp/bench-invoices', ROOT), { recursive: true, force: true })
}

async function main() {
  await prepareDatabase()
  const app = new Ignitor(ROOT, {
    importer: (path) => import(path.startsWith('.') ? new URL(path, ROOT).href : path),
  }).createApp('console')
  await app.init()
  await app.boot()
  await app.start(async () => {})

  const { DateTime } = await import('luxon')
  const { default: db } = await import('@adonisjs/lucid/services/db')
  const { default: Invoice } = await import('#models/invoice')
  const { default: Customer } = await import('#models/customer')
  const { default: InvoiceLine } = await import('#models/invoice_line')
  const { PdfRenderer } = await import('#services/pdf/pdf_renderer')
  const { default: pdfRenderer } = await import('#services/pdf/main')
  const { renderInvoiceHtml } = await import('#services/invoices/invoice_document')
  const { EInvoiceBuilder } = await import('#services/invoices/e_invoice_builder')
  const { BillingPeriod } = await import('#services/invoices/billing_period')
  const { InvoiceRunService } = await import('#services/invoices/invoice_run_service')
  const { WorkerPool } = await import('#services/queue/worker_pool')
  const { jobsByQueue } = await import('#jobs/handlers/index')
  const { getQueue, closeQueues } = await import('#services/queue/queues')
  const { default: env } = await import('#start/env')

  /* ---------- a sample invoice in memory for the render measurements ---------- */
  const customer = new Customer()
  customer.merge({
    customerNumber: 'L1000001',
    companyName: 'Bäckerei Beispiel GmbH',
    street: 'Hauptstraße 1',
    postalCode: '60311',
    city: 'Frankfurt am Main',
    country: 'DE',
    vatId: 'DE987654321',
    email: 'buchhaltung@example.com',
  })
  const invoice = new Invoice()
  const today = DateTime.now().startOf('day')
  invoice.merge({
    id: 1,
    customerId: 1,
    number: 'RE-2026-000042',
    kind: 'invoice',
    period: '2026-10',
    periodKey: '2026-10',
    periodStart: DateTime.fromISO('2026-10-01'),
    periodEnd: DateTime.fromISO('2026-10-31'),
    issueDate: today,
    dueDate: today.plus({ days: 14 }),
    netMinor: 2031,
    vatMinor: 386,
    grossMinor: 2417,
    vatRateBp: 1900,
    currency: 'EUR',
    status: 'draft',
  })
  const lines = [
    [1, 'Monatliche Netzbetriebsgebühr Terminal 10000001', 1, 199_000, 1990],
    [2, 'Transaktionsentgelt girocard, Terminal 10000001 (3 Umsätze, 1 Erstattungen)', 2, 450, 9],
    [3, 'Umsatzentgelt girocard 0,20 % von 80,00 €, Terminal 10000001', 1, 1600, 16],
    [4, 'Transaktionsentgelt Visa, Terminal 10000001 (1 Umsätze, 0 Erstattungen)', 1, 600, 6],
    [5, 'Umsatzentgelt Visa 0,30 % von 33,33 €, Terminal 10000001', 1, 1000, 10],
  ].map(([position, description, quantity, unitPriceCentiMinor, netMinor]) => {
    const line = new InvoiceLine()
    line.merge({ position, description, quantity, unitPriceCentiMinor, netMinor } as never)
    return line
  })
  const html = await renderInvoiceHtml(invoice, customer, lines)
  const executablePath = env.get('CHROMIUM_PATH') || '/usr/bin/chromium'

  /* ---------- 1. warm vs cold ---------- */
  const cold: number[] = []
  for (let i = 0; i < 5; i++) {
    const started = performance.now()
    const renderer = new PdfRenderer({ executablePath })
    await renderer.render(html)
    cold.push(performance.now() - started)
    await renderer.close()
  }
  const warm: number[] = []
  for (let i = 0; i < 5; i++) await pdfRenderer.render(html)
  for (let i = 0; i < 40; i++) {
    const started = performance.now()
    await pdfRenderer.render(html)
    warm.push(performance.now() - started)
  }
  const coldP50 = median(cold)
  const warmP50 = median(warm)
  console.log(
    `1. PDF render: warm p50 ${fmt(warmP50, 0)} ms, cold launch per PDF p50 ${fmt(coldP50, 0)} ms` +
      ` → ratio ${fmt(warmP50 / coldP50, 3)} (goal ≤ 0.2)`
  )

  /* ---------- 2. 200 customers: loop vs BullMQ ---------- */
  const loopPeriod = BillingPeriod.previous(DateTime.now().minus({ months: 1 }))
  const queuePeriod = BillingPeriod.previous()
  const now = DateTime.utc().toFormat('yyyy-MM-dd HH:mm:ss')
  for (let i = 0; i < CUSTOMERS; i++) {
    const [customerId] = await db.table('customers').insert({
      customer_number: `L${2_000_000 + i}`,
      company_name: `Benchhandel ${i} GmbH`,
      street: 'Marktplatz 1',
      postal_code: '60311',
      city: 'Frankfurt am Main',
      country: 'DE',
      created_at: now,
      updated_at: now,
    })
    const [terminalId] = await db.table('terminals').insert({
      terminal_id: String(60_000_000 + i),
      customer_id: customerId,
      status: 'active',
      monthly_fee_minor: 1990,
      created_at: now,
      updated_at: now,
    })
    const rows = []
    for (const period of [loopPeriod, queuePeriod]) {
      for (let t = 0; t < 20; t++) {
        rows.push({
          reference: `B-${period.key}-${i}-${t}`,
          customer_id: customerId,
          terminal_id: terminalId,
          occurred_at: period.start
            .plus({ days: t % 27, hours: 10 })
            .toUTC()
            .toFormat('yyyy-MM-dd HH:mm:ss'),
          type: t % 10 === 9 ? 'refund' : 'sale',
          status: 'approved',
          amount_minor: 500 + t * 137,
          currency: 'EUR',
          card_brand: ['girocard', 'visa', 'mastercard'][t % 3],
          created_at: now,
        })
      }
    }
    await db.table('transactions').multiInsert(rows)
  }

  const service = new InvoiceRunService()
  let started = performance.now()
  const loopResult = await service.runSynchronously(loopPeriod, 'bench-loop')
  const loopMs = performance.now() - started

  const pool = new WorkerPool(jobsByQueue).start({ queues: ['invoices'] })
  started = performance.now()
  await service.start(queuePeriod, 'bench-queue')
  for (;;) {
    const runRow = await db.from('invoice_runs').where('period', queuePeriod.key).first()
    if (runRow && runRow.status !== 'running') break
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const queueMs = performance.now() - started
  await pool.close()
  const issuedQueue = await db
    .from('invoices')
    .where('period', queuePeriod.key)
    .where('status', 'issued')
    .count('* as total')
  console.log(
    `2. ${CUSTOMERS} customers: loop ${fmt(loopMs / 1000)} s (${loopResult.done} issued),` +
      ` BullMQ ${fmt(queueMs / 1000)} s (${issuedQueue[0].total} issued, concurrency 2)` +
      ` → throughput ratio ${fmt(loopMs / queueMs)} (goal ≥ 0.8)`
  )

  /* ---------- 3. RSS and Chromium processes over 500 PDFs ---------- */
  const builder = new EInvoiceBuilder()
  let peak = process.memoryUsage().rss
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50)
  let peakAt50 = 0
  let processesAt50 = 0
  for (let i = 1; i <= 500; i++) {
    const printed = await pdfRenderer.render(html)
    await builder.facturX({ invoice, customer, lines }, printed)
    if (i === 50) {
      peakAt50 = Math.max(peak, process.memoryUsage().rss)
      processesAt50 = await pdfRenderer.processCount()
    }
  }
  clearInterval(sampler)
  const peakAt500 = Math.max(peak, process.memoryUsage().rss)
  const processesAt500 = await pdfRenderer.processCount()
  const mb = (bytes: number) => fmt(bytes / 1024 / 1024, 0)
  console.log(
    `3. worker peak RSS after 50 PDFs ${mb(peakAt50)} MB, after 500 ${mb(peakAt500)} MB` +
      ` → ${fmt(peakAt500 / peakAt50, 3)}× (goal ≤ 1.2); Chromium processes ${processesAt50} → ${processesAt500}`
  )

  await getQueue('invoices').obliterate({ force: true })
  await closeQueues()
  await app.terminate()
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
