import { test } from '@japa/runner'
import { zipHashes } from '#tests/helpers/zip'
import { randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import db from '@adonisjs/lucid/services/db'
import { resetState } from '#tests/helpers/db'
import { Agent } from '#tests/helpers/agent'
import { WebProcess } from '#tests/helpers/web_process'
import { createMerchant, loginAs } from '#tests/helpers/auth'
import { InvoiceStorage, sha256 } from '#services/invoices/invoice_storage'
import { logOffset, logTextFlushed } from '#tests/helpers/stored_text'

type Seeded = { number: string; pdf: string; xml: string }

/**
 * Invoice rows with small archived files written directly (no Chromium): `count`
 * invoices of `year`, spread over its months, every 10th a cancellation invoice.
 */
async function seedArchive(customerId: number, year: number, count: number, pdfBytes = 2048) {
  const storage = new InvoiceStorage()
  const seeded: Seeded[] = []
  const rows = []
  const now = new Date()
  for (let i = 1; i <= count; i++) {
    const number = `RE-${year}-${String(i).padStart(6, '0')}`
    const month = String(((i - 1) % 12) + 1).padStart(2, '0')
    const pdf = await storage.write(`${year}/${number}.pdf`, randomBytes(pdfBytes))
    const xml = await storage.write(
      `${year}/${number}.xml`,
      Buffer.from(`<?xml version="1.0"?><Invoice><ID>${number}</ID></Invoice>`)
    )
    seeded.push({ number, pdf: pdf.sha256, xml: xml.sha256 })
    rows.push({
      customer_id: customerId,
      number,
      kind: i % 10 === 0 ? 'cancellation' : 'invoice',
      period: `${year}-${month}`,
      period_key: null,
      period_start: `${year}-${month}-01`,
      period_end: `${year}-${month}-28`,
      issue_date: `${year}-${month}-28`,
      due_date: `${year}-${month}-28`,
      net_minor: 1000,
      vat_minor: 190,
      gross_minor: 1190,
      status: 'issued',
      file_path: pdf.path,
      file_sha256: pdf.sha256,
      xml_path: xml.path,
      xml_sha256: xml.sha256,
      issued_at: now,
      created_at: now,
      updated_at: now,
    })
  }
  for (let i = 0; i < rows.length; i += 200) {
    await db.table('invoices').multiInsert(rows.slice(i, i + 200))
  }
  return seeded
}

/** Resident memory of a process in MB (Linux /proc). */
async function rssMb(pid: number) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024
}

/**
 * GETs the path as the agent (on `server`, another web process, when given) and
 * writes the body to a file as it arrives, sampling the serving process's RSS.
 */
async function download(
  agent: Agent,
  path: string,
  target: string,
  server?: { baseUrl: string; pid: number }
) {
  const cookie = [...agent.jar].map(([name, value]) => `${name}=${value}`).join('; ')
  const sample = async () => (server ? rssMb(server.pid) : process.memoryUsage().rss / 1024 / 1024)
  const before = await sample()
  let peak = before
  const sampler = setInterval(() => {
    sample()
      .then((mb) => (peak = Math.max(peak, mb)))
      .catch(() => {})
  }, 20)
  try {
    const response = await fetch((server?.baseUrl ?? agent.baseUrl) + path, {
      headers: { cookie },
      redirect: 'manual',
    })
    if (response.status === 200 && response.body) {
      await pipeline(Readable.fromWeb(response.body as never), createWriteStream(target))
    } else {
      await response.arrayBuffer()
    }
    peak = Math.max(peak, await sample())
    return { response, growthMb: peak - before }
  } finally {
    clearInterval(sampler)
  }
}

test.group('Invoices / ZIP of the archive', (group) => {
  group.each.setup(() => resetState())
  group.each.timeout(180_000)

  test('1,000 invoices stream as one ZIP; every file matches the archived SHA-256', async ({
    assert,
  }) => {
    const merchant = await createMerchant()
    const [customer] = merchant.customers
    /* 64 KB per PDF: the ZIP (~66 MB) is larger than the allowed RSS growth */
    const seeded = await seedArchive(customer.id, 2025, 1000, 64 * 1024)
    const agent = new Agent()
    await loginAs(agent, merchant.user.email, merchant.password)

    const page = await agent.get('/invoices')
    assert.include(page.text, 'Alle Rechnungen als ZIP')

    /* served by a web process of its own, so its memory is the server's alone */
    const web = new WebProcess()
    await web.start()
    const server = { baseUrl: web.baseUrl, pid: web.child!.pid! }
    const zipPath = join(tmpdir(), `invoices-${process.pid}-${Date.now()}.zip`)
    try {
      /*
       * warm-up with a third of the data: the first ZIP loads the code it needs, and
       * V8's young generation grows to its working size (≈ 30 MB of heap that any
       * busy Node process reaches and keeps). A ZIP built in memory would still need
       * the whole 66 MB on top; a streamed one stays level.
       */
      await download(agent, '/invoices.zip?from=2025-01&to=2025-04', zipPath, server)
      const { response, growthMb } = await download(
        agent,
        '/invoices.zip?year=2025',
        zipPath,
        server
      )
      assert.equal(response.status, 200)
      assert.equal(response.headers.get('content-type'), 'application/zip')
      assert.include(response.headers.get('content-disposition') ?? '', 'Rechnungen_2025.zip')
      assert.isBelow(growthMb, 50, `RSS grew by ${growthMb.toFixed(1)} MB`)

      const hashes = await zipHashes(zipPath)
      assert.equal(hashes.size, 2000)
      for (const invoice of seeded) {
        assert.equal(hashes.get(`${invoice.number}.pdf`), invoice.pdf, invoice.number)
        assert.equal(hashes.get(`${invoice.number}.xml`), invoice.xml, invoice.number)
      }
    } finally {
      await rm(zipPath, { force: true })
      await web.stop()
    }
  })

  test('a period picks its months only; an empty one gets a message, not an empty ZIP', async ({
    assert,
  }) => {
    const merchant = await createMerchant()
    await seedArchive(merchant.customers[0].id, 2025, 24)
    /* another customer's invoice never appears */
    const other = await createMerchant()
    const agent = new Agent()
    await loginAs(agent, merchant.user.email, merchant.password)

    const zipPath = join(tmpdir(), `invoices-period-${process.pid}.zip`)
    try {
      const { response } = await download(agent, '/invoices.zip?from=2025-01&to=2025-03', zipPath)
      assert.equal(response.status, 200)
      assert.include(
        response.headers.get('content-disposition') ?? '',
        'Rechnungen_2025-01_2025-03.zip'
      )
      const names = [...(await zipHashes(zipPath)).keys()].sort()
      /* months 1–3 of 24 invoices round-robin over 12 months: numbers 1–3 and 13–15 */
      assert.deepEqual(
        names,
        [1, 2, 3, 13, 14, 15]
          .flatMap((n) => {
            const number = `RE-2025-${String(n).padStart(6, '0')}`
            return [`${number}.pdf`, `${number}.xml`]
          })
          .sort()
      )
    } finally {
      await rm(zipPath, { force: true })
    }

    const empty = await agent.get('/invoices.zip?year=2019')
    assert.equal(empty.status, 302)
    const shown = await agent.follow(empty)
    assert.include(shown.text, 'keine Rechnungen')

    const otherAgent = new Agent()
    await loginAs(otherAgent, other.user.email, other.password)
    const foreign = await otherAgent.get('/invoices.zip?year=2025')
    assert.equal(foreign.status, 302)
    assert.notEqual(foreign.headers.get('content-type'), 'application/zip')
  })

  test('malformed or too long periods are refused with a message', async ({ assert }) => {
    const merchant = await createMerchant()
    await seedArchive(merchant.customers[0].id, 2025, 2)
    const agent = new Agent()
    await loginAs(agent, merchant.user.email, merchant.password)

    for (const [query, text] of [
      ['from=2014-01&to=2025-01', 'höchstens 10 Jahre'],
      ['from=2025-06&to=2025-01', 'nicht vor dem Monat'],
      ['from=2025-13&to=2025-14', 'JJJJ-MM'],
      ['', 'Jahr oder geben Sie einen Zeitraum'],
    ]) {
      const response = await agent.get(`/invoices.zip?${query}`)
      assert.equal(response.status, 302, query)
      const page = await agent.follow(response)
      assert.include(page.text, text, query)
    }
    /* the message is tied to its field, and the field is marked invalid */
    const page = await agent.follow(await agent.get('/invoices.zip?from=2025-13&to=2025-01'))
    assert.match(page.text, /id="invoice-zip-from-error"/)
    assert.match(
      page.text,
      /id="invoice-zip-from"[^>]*aria-describedby="invoice-zip-format invoice-zip-from-error"[^>]*aria-invalid="true"/
    )
  })

  test('a file that no longer matches its SHA-256 refuses the ZIP and is logged', async ({
    assert,
  }) => {
    const offset = await logOffset()
    const merchant = await createMerchant()
    const seeded = await seedArchive(merchant.customers[0].id, 2025, 3)
    const storage = new InvoiceStorage()
    await writeFile(storage.resolve(`2025/${seeded[1].number}.xml`), '<tampered/>')
    assert.notEqual(sha256(Buffer.from('<tampered/>')), seeded[1].xml)
    const agent = new Agent()
    await loginAs(agent, merchant.user.email, merchant.password)
    const response = await agent.get('/invoices.zip?year=2025')
    assert.equal(response.status, 503)
    assert.notEqual(response.headers.get('content-type'), 'application/zip')
    const log = await logTextFlushed(offset)
    assert.include(log, 'archived invoice file failed its SHA-256 check; invoice ZIP refused')
    assert.include(log, seeded[1].number)
  })
})
