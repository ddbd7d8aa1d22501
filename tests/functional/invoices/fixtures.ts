import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import app from '@adonisjs/core/services/app'
import { randomUUID } from 'node:crypto'
import { DateTime } from 'luxon'
import type Customer from '#models/customer'
import type Terminal from '#models/terminal'
import Invoice from '#models/invoice'
import InvoiceRun from '#models/invoice_run'
import type { CardBrand } from '#models/transaction'
import { TransactionFactory } from '#database/factories/transaction_factory'
import { BillingPeriod } from '#services/invoices/billing_period'
import { given } from '#tests/helpers/factory_input'

/** A closed month to bill in tests (two months back, so it has always ended). */
export function testPeriod(monthsBack = 2) {
  return BillingPeriod.previous(DateTime.now().minus({ months: monthsBack - 1 }))
}

type TxInput = {
  type?: 'sale' | 'refund' | 'reversal' | 'preauth'
  status?: 'approved' | 'declined'
  amountMinor: number
  cardBrand?: string
  day?: number
}

/** Inserts transactions for a terminal on days of the period (Berlin noon). */
export async function addTransactions(
  customer: Customer,
  terminal: Terminal,
  period: BillingPeriod,
  rows: TxInput[]
) {
  if (rows.length === 0) return
  await TransactionFactory.merge(
    rows.map((row) => ({
      reference: randomUUID(),
      customerId: customer.id,
      terminalId: terminal.id,
      occurredAt: period.start.set({ day: row.day ?? 10, hour: 12 }).toUTC(),
      ...given({ type: row.type, status: row.status }),
      amountMinor: row.amountMinor,
      cardBrand: (row.cardBrand ?? 'girocard') as CardBrand,
      panMasked: '672559******1234',
      panLast4: '1234',
      authCode: null,
      receiptNumber: null,
    }))
  ).createMany(rows.length)
}

export async function waitUntil<T>(
  probe: () => Promise<T | null | undefined | false>,
  { timeoutMs = 30_000, intervalMs = 100, what = 'condition' } = {}
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const value = await probe()
    if (value) return value
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
  throw new Error(`timed out waiting for ${what}`)
}

/** Waits until the period's run has no pending item left. */
export async function waitForRun(period: BillingPeriod, timeoutMs = 60_000) {
  return waitUntil(
    async () => {
      const run = await InvoiceRun.findBy('period', period.key)
      return run && run.status !== 'running' ? run : null
    },
    { timeoutMs, what: `invoice run ${period.key}` }
  )
}

export async function invoicesOf(period: BillingPeriod) {
  return Invoice.query().where('period', period.key).orderBy('number')
}

/** The numbers must be RE-<year>-000001 … without gaps or repeats. */
export function expectedNumbers(year: number, count: number) {
  return Array.from({ length: count }, (_, i) => `RE-${year}-${String(i + 1).padStart(6, '0')}`)
}

export type WorkerProcess = {
  child: ChildProcess
  output: () => string
  stop: () => Promise<void>
}

/** A real `node ace queue:work --queue=invoices` child with this test run's environment. */
export async function startWorkerProcess(): Promise<WorkerProcess> {
  let output = ''
  const child = spawn(process.execPath, ['ace', 'queue:work', '--queue=invoices'], {
    cwd: fileURLToPath(app.appRoot),
    env: { ...process.env, NODE_ENV: 'test', LOG_FILE: 'tmp/test-invoice-worker.log' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  await waitUntil(async () => output.includes('worker started'), {
    timeoutMs: 30_000,
    what: `worker start (output: ${output})`,
  })
  return {
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      await exited
      clearTimeout(timer)
    },
  }
}

/** Pids of every descendant of a process whose command line mentions `name`. */
export async function descendantPids(rootPid: number, name: string): Promise<number[]> {
  const { stdout } = await promisify(execFile)('ps', ['-eo', 'pid=,ppid=,args='])
  const rows = stdout
    .trim()
    .split('\n')
    .map((line) => {
      const match = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line)!
      return { pid: Number(match[1]), ppid: Number(match[2]), args: match[3] }
    })
  const found: number[] = []
  const stack = [rootPid]
  while (stack.length) {
    const parent = stack.pop()!
    for (const row of rows.filter((entry) => entry.ppid === parent)) {
      if (row.args.includes(name)) found.push(row.pid)
      stack.push(row.pid)
    }
  }
  return found
}
