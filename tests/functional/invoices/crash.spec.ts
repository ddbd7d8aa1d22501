import { test } from '@japa/runner'
import { readFile } from 'node:fs/promises'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import Invoice from '#models/invoice'
import InvoiceRunItem from '#models/invoice_run_item'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { workerPool } from '#tests/helpers/services'
import { createMerchant, loginAs } from '#tests/helpers/auth'
import pdfRenderer from '#services/pdf/main'
import { InvoiceRunService } from '#services/invoices/invoice_run_service'
import { InvoiceStorage, sha256 } from '#services/invoices/invoice_storage'
import {
  descendantPids,
  startWorkerProcess,
  testPeriod,
  waitForRun,
  waitUntil,
} from '#tests/functional/invoices/fixtures'

const year = () => DateTime.now().setZone('Europe/Berlin').year

test.group('Invoices / crashes', (group) => {
  group.each.setup(() => resetState())

  test('a worker killed with SIGKILL mid-PDF: after a restart the invoice exists once, its file matches, nothing partial was served', async ({
    assert,
  }) => {
    const period = testPeriod()
    const merchant = await createMerchant({
      customers: [{ terminals: [{ monthlyFeeMinor: 1990 }] }],
    })
    const agent = new Agent()
    await loginAs(agent, merchant.user.email, merchant.password)

    /* only the child processes may work on invoices in this test */
    const local = workerPool!.workers.find((worker) => worker.name === 'invoices')!
    await local.pause()
    const downloads: { status: number; sha: string | null }[] = []
    let polling = true
    const poller = (async () => {
      while (polling) {
        const draft = await Invoice.query().where('customer_id', merchant.customers[0].id).first()
        if (draft) {
          const response = await fetch(`${agent.baseUrl}/invoices/${draft.id}/pdf`, {
            headers: { cookie: [...agent.jar].map(([k, v]) => `${k}=${v}`).join('; ') },
            redirect: 'manual',
          })
          const body = Buffer.from(await response.arrayBuffer())
          /* a parallel test run may end this user's sessions (same user id): log in again */
          if (response.status === 302) {
            await loginAs(agent, merchant.user.email, merchant.password)
            continue
          }
          downloads.push({
            status: response.status,
            sha: response.status === 200 ? sha256(body) : null,
          })
        }
        await new Promise((resolve) => setTimeout(resolve, 40))
      }
    })()

    let first = await startWorkerProcess()
    let second: Awaited<ReturnType<typeof startWorkerProcess>> | undefined
    try {
      await new InvoiceRunService().start(period, 'test')
      /* the first PDF launches the worker's Chromium: kill the worker while it prints */
      const chromium = await waitUntil(
        async () => {
          const pids = await descendantPids(first.child.pid!, 'chromium')
          return pids.length ? pids : null
        },
        { timeoutMs: 30_000, intervalMs: 20, what: 'the worker to start printing' }
      )
      first.child.kill('SIGKILL')
      for (const pid of chromium) {
        try {
          process.kill(pid, 'SIGKILL')
        } catch {}
      }
      await new Promise((resolve) => first.child.once('exit', resolve))

      const afterKill = await Invoice.query().where('customer_id', merchant.customers[0].id)
      assert.lengthOf(afterKill, 1, 'the number was taken before the PDF')
      assert.equal(afterKill[0].status, 'draft', 'the worker died before the invoice was issued')
      assert.isNull(afterKill[0].fileSha256)

      /* restart: the stalled job is handed to the new worker, which finishes the draft */
      second = await startWorkerProcess()
      const run = await waitForRun(period, 90_000)
      assert.equal(run.status, 'completed')
    } finally {
      polling = false
      await poller
      await first.stop()
      await second?.stop()
      local.resume()
    }

    const invoices = await Invoice.query().where('customer_id', merchant.customers[0].id)
    assert.lengthOf(invoices, 1)
    const [invoice] = invoices
    assert.equal(invoice.status, 'issued')
    assert.equal(invoice.number, `RE-${year()}-000001`)
    const sequence = await db.from('invoice_number_sequences').where('year', year()).first()
    assert.equal(sequence.last_number, 1)
    const bytes = await readFile(new InvoiceStorage().resolve(invoice.filePath!))
    assert.equal(sha256(bytes), invoice.fileSha256)

    /* every download during the crash was a 404 or the complete, final file */
    assert.isAbove(downloads.filter((download) => download.status === 404).length, 0)
    for (const download of downloads) {
      if (download.status === 200) assert.equal(download.sha, invoice.fileSha256)
      else assert.equal(download.status, 404)
    }
    const item = await InvoiceRunItem.findByOrFail('customer_id', merchant.customers[0].id)
    assert.equal(item.status, 'done')
    assert.isAtLeast(item.attempts, 2)
    const final = await fetch(`${agent.baseUrl}/invoices/${invoice.id}/pdf`, {
      headers: { cookie: [...agent.jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    })
    assert.equal(final.status, 200)
    assert.equal(sha256(Buffer.from(await final.arrayBuffer())), invoice.fileSha256)
  }).timeout(180_000)

  test('Chromium killed during a render: the job retries and succeeds', async ({ assert }) => {
    const period = testPeriod()
    const merchant = await createMerchant({
      customers: [{ terminals: [{ monthlyFeeMinor: 1990 }] }],
    })
    let killed: number | undefined
    pdfRenderer.events.once('render:start', ({ pid }: { pid?: number }) => {
      killed = pid
      if (pid) process.kill(pid, 'SIGKILL')
    })
    await new InvoiceRunService().start(period, 'test')
    const run = await waitForRun(period, 60_000)

    assert.isDefined(killed)
    assert.equal(run.status, 'completed')
    const item = await InvoiceRunItem.findByOrFail('customer_id', merchant.customers[0].id)
    assert.equal(item.status, 'done')
    assert.isAtLeast(item.attempts, 2)
    const invoice = await Invoice.findByOrFail('customer_id', merchant.customers[0].id)
    assert.equal(invoice.status, 'issued')
    assert.equal(invoice.number, `RE-${year()}-000001`)
    const bytes = await readFile(new InvoiceStorage().resolve(invoice.filePath!))
    assert.equal(sha256(bytes), invoice.fileSha256)
    /* the renderer launched a new browser */
    assert.notEqual(pdfRenderer.browserPid, killed)
  }).timeout(90_000)
})
