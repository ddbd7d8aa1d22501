/* The monthly invoice run on two workers at once. */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DateTime } from 'luxon'
import { sleep } from '../../../bin/lib/local_services.js'
import { assert, type Check, type Context } from '../context.js'

const EXTRA_CUSTOMERS = 8

/** More customers (each with a terminal), through the operator's import commands. */
async function importCustomers(context: Context) {
  const { cluster } = context
  const numbers = Array.from({ length: EXTRA_CUSTOMERS }, (_, i) => `L${3_000_001 + i}`)
  const customers = join(cluster.dir, 'customers.csv')
  const terminals = join(cluster.dir, 'terminals.csv')
  writeFileSync(
    customers,
    [
      'customer_number,company_name,street,postal_code,city,country,email,phone,vat_id,iban',
      ...numbers.map(
        (number, i) =>
          `${number},Clusterhandel ${i + 1} GmbH,Hauptstraße 1,60311,Frankfurt am Main,DE,kunde${i + 1}@example.com,069 123456,,DE89370400440532013000`
      ),
    ].join('\n') + '\n'
  )
  writeFileSync(
    terminals,
    [
      'terminal_id,customer_number,model,serial_number,street,postal_code,city,status,installed_at,monthly_fee',
      ...numbers.map(
        (number, i) =>
          `${String(9_000_001 + i).padStart(8, '0')},${number},Ingenico Move/5000,SNC${i},Hauptstraße 1,60311,Frankfurt am Main,active,2025-01-01,"19,90"`
      ),
    ].join('\n') + '\n'
  )
  await cluster.ace(['import:customers', customers])
  await cluster.ace(['import:terminals', terminals])
}

/** True when a process has a Chromium child (a worker's PDF renderer). */
function hasChromiumChild(pid: number) {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .some((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
        const command = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
        const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
        return parent === pid && /chrom/i.test(command)
      } catch {
        return false
      }
    })
}

type Run = { id: number; status: string }

async function waitForRun(context: Context, period: string) {
  let run: Run | undefined
  for (let i = 0; i < 360; i++) {
    ;[run] = await context.rows<Run>('SELECT id, status FROM invoice_runs WHERE period = ?', [
      period,
    ])
    if (run && run.status !== 'running') break
    await sleep(500)
  }
  return run
}

export const invoiceChecks: Check[] = [
  {
    name: 'the invoice run on both workers issues exactly one invoice per customer',
    async run(context) {
      await importCustomers(context)
      const period = DateTime.now()
        .setZone('Europe/Berlin')
        .minus({ months: 1 })
        .toFormat('yyyy-MM')
      const started = performance.now()
      /* started twice at once, as an impatient operator would */
      await Promise.all([
        context.cluster.ace(['invoices:run', '--period', period]),
        context.cluster.ace(['invoices:run', '--period', period]),
      ])
      const run = await waitForRun(context, period)
      const took = ((performance.now() - started) / 1000).toFixed(1)
      assert(run?.status === 'completed', `run status ${run?.status}`)

      const items = await context.rows<{ status: string; n: number }>(
        'SELECT status, COUNT(*) AS n FROM invoice_run_items WHERE invoice_run_id = ? GROUP BY status',
        [run.id]
      )
      const byStatus = Object.fromEntries(items.map((entry) => [entry.status, Number(entry.n)]))
      assert(!byStatus.pending && !byStatus.failed, `items: ${JSON.stringify(byStatus)}`)
      assert(byStatus.done >= EXTRA_CUSTOMERS, `only ${byStatus.done} items done`)
      const invoices = await context.rows<{ customer_id: number; n: number; files: number }>(
        "SELECT customer_id, COUNT(*) AS n, COUNT(file_path) AS files FROM invoices WHERE period = ? AND kind = 'invoice' GROUP BY customer_id",
        [period]
      )
      assert(
        invoices.length === byStatus.done,
        `${invoices.length} customers invoiced, ${byStatus.done} items done`
      )
      const twice = invoices.filter((entry) => Number(entry.n) !== 1)
      assert(!twice.length, `customers with more than one invoice: ${JSON.stringify(twice)}`)
      assert(
        invoices.every((entry) => Number(entry.files) === 1),
        'an invoice without its file'
      )
      const [numbers] = await context.rows<{ n: number; distinct: number }>(
        "SELECT COUNT(*) AS n, COUNT(DISTINCT number) AS `distinct` FROM invoices WHERE period = ? AND kind = 'invoice'",
        [period]
      )
      assert(Number(numbers.n) === Number(numbers.distinct), 'an invoice number twice')
      const rendering = context.cluster.workers.filter((worker) =>
        hasChromiumChild(worker.child.pid!)
      )
      assert(rendering.length === 2, `only ${rendering.length} worker(s) rendered PDFs`)
      const skipped = byStatus.skipped ?? 0
      return `${period}: ${invoices.length} customers invoiced once each, ${skipped} with nothing to bill, in ${took} s; both workers rendered`
    },
  },
]
