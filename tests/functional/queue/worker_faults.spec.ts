import { test } from '@japa/runner'
import type { Assert } from '@japa/assert'
import { Job, Queue } from 'bullmq'
import env from '#start/env'
import Invoice from '#models/invoice'
import InvoiceRun from '#models/invoice_run'
import { queueConnection } from '#services/queue/connection'
import { InvoiceRunService } from '#services/invoices/invoice_run_service'
import { generateInvoiceJob } from '#jobs/generate_invoice'
import { sendMailJob, type SendMailPayload } from '#jobs/send_mail'
import { startInvoiceRunJob } from '#jobs/start_invoice_run'
import { resetState } from '#tests/helpers/db'
import { createMerchant } from '#tests/helpers/auth'
import { TcpProxy } from '#tests/helpers/tcp_proxy'
import { isAlive } from '#tests/helpers/processes'
import { freePort } from '#tests/helpers/web_process'
import { descendantPids, testPeriod } from '#tests/functional/invoices/fixtures'
import { SlowSmtp } from '#tests/functional/queue/slow_smtp'
import { sleep, waitUntil } from '#tests/functional/queue/helpers'
import { startWorker, workerEnv, type WorkerProcess } from '#tests/functional/queue/worker_process'

/*
| SIGTERM to a real `node ace queue:work` (all queues) in the states an operator
| meets: idle, busy (a mail stuck in SMTP), Redis stopped or restarting, the
| database stopped or hanging, Chromium hung mid-render. Redis and MariaDB reach the worker through a TCP proxy the test cuts, so
| the suite's own instances (and the jobs in them) stay untouched and visible.
| Each case: the worker exits within 15 s, a mail queued after the signal is
| left waiting (never taken), and the next worker delivers it exactly once.
*/
const EXIT_LIMIT_MS = 15_000
const ALL_QUEUES = ['mail', 'invoices']
let run = 0

/** A plain compiled mail, as `mail.sendLater()` queues it. */
function mailPayload(address: string): SendMailPayload {
  return {
    mailer: 'smtp',
    mailMessage: {
      message: { to: [address], subject: `Test ${address}`, text: 'Hallo' },
      views: {},
    },
  }
}

class Scenario {
  readonly prefix = `${env.get('QUEUE_PREFIX', 'kp-test')}-faults-${process.pid}-${++run}`
  readonly redis = new TcpProxy(env.get('REDIS_PORT'))
  readonly database = new TcpProxy(env.get('DB_PORT')!)
  readonly workers: WorkerProcess[] = []
  readonly queues = {
    mail: new Queue('mail', { connection: queueConnection, prefix: this.prefix }),
    invoices: new Queue('invoices', { connection: queueConnection, prefix: this.prefix }),
  }
  smtp!: SlowSmtp
  exitMs = Number.POSITIVE_INFINITY

  /** holdFirstMs: the SMTP server holds the first delivery this long (Infinity: forever). */
  async setup(holdFirstMs = 0) {
    await Promise.all([this.redis.start(), this.database.start()])
    this.smtp = new SlowSmtp(await freePort(), holdFirstMs)
    await this.smtp.start()
    return this
  }

  get env() {
    return {
      ...workerEnv(this.prefix, this.smtp.port),
      REDIS_PORT: String(this.redis.port),
      DB_PORT: String(this.database.port),
      LOG_FILE: 'tmp/test-worker-faults.log',
    }
  }

  async startWorker() {
    const worker = await startWorker(this.env, ALL_QUEUES)
    this.workers.push(worker)
    return worker
  }

  /** The monthly run's first job for a closed period, as the scheduler queues it. */
  async queueInvoiceRun(monthsBack: number) {
    const period = testPeriod(monthsBack)
    const job = await this.queues.invoices.add(
      startInvoiceRunJob.name,
      { period: period.key, triggeredBy: 'test' },
      { ...startInvoiceRunJob.options, jobId: `run-${period.key}` }
    )
    return { period, id: job.id! }
  }

  async queueMail(address: string) {
    const job = await this.queues.mail.add(sendMailJob.name, mailPayload(address), {
      ...sendMailJob.options,
      removeOnComplete: false,
    })
    return job.id!
  }

  /**
   * SIGTERM; `whileStopping` runs once the worker says it is stopping (from then
   * on it must not take a job). Resolves with the milliseconds until it exited.
   */
  async terminate(worker: WorkerProcess, whileStopping?: () => Promise<void>) {
    const signalledAt = Date.now()
    worker.child.kill('SIGTERM')
    if (whileStopping) {
      await waitUntil(() => worker.output().includes('worker stopping'), 5000, 'worker stopping')
      await whileStopping()
    }
    const exit = await Promise.race([worker.exited, sleep(30_000).then(() => null)])
    this.exitMs = exit ? exit.at - signalledAt : Number.POSITIVE_INFINITY
    /* the measured time, for the operator's notes (docs/development.md) */
    process.stdout.write(`    (worker exited ${this.exitMs} ms after SIGTERM)\n`)
    return this.exitMs
  }

  async jobOf(queue: Queue, id: string) {
    const job = await Job.fromId(queue, id)
    if (!job) throw new Error(`job ${id} is gone`)
    return { job, state: await job.getState() }
  }

  /** The job was never taken by a worker: still waiting, never started. */
  async assertUntouched(assert: Assert, id: string, queue = this.queues.mail) {
    const { job, state } = await this.jobOf(queue, id)
    assert.equal(state, 'waiting', `job ${id} is ${state}`)
    assert.equal(job.attemptsStarted, 0, `job ${id} was started`)
    assert.isUndefined(job.processedOn)
  }

  /** The job went back to the wait list without an attempt counted. */
  async assertReleased(assert: Assert, id: string, queue = this.queues.mail) {
    const { job, state } = await this.jobOf(queue, id)
    assert.equal(state, 'waiting', `job ${id} is ${state}`)
    assert.equal(job.attemptsMade, 0)
  }

  /** A fresh worker under normal conditions delivers each address exactly once. */
  async assertDeliveredOnce(assert: Assert, addresses: string[]) {
    await this.startWorker()
    await waitUntil(
      () => addresses.every((address) => this.smtp.to(address).length > 0),
      30_000,
      `delivery to ${addresses.join(', ')}`
    )
    await sleep(1500)
    for (const address of addresses) assert.lengthOf(this.smtp.to(address), 1, address)
  }

  async teardown() {
    /* SIGTERM, not SIGKILL: a killed worker would leave its Chromium behind */
    for (const worker of this.workers) {
      if (worker.child.exitCode === null && worker.child.signalCode === null) {
        worker.child.kill('SIGTERM')
        const exited = await Promise.race([worker.exited, sleep(EXIT_LIMIT_MS)])
        if (!exited) worker.child.kill('SIGKILL')
      }
    }
    await Promise.all([this.redis.stop(), this.database.stop(), this.smtp?.stop()])
    for (const queue of Object.values(this.queues)) {
      await queue.obliterate({ force: true }).catch(() => {})
      await queue.close()
    }
  }
}

test.group('Worker process: SIGTERM in every state', (group) => {
  let scenario: Scenario
  group.each.setup(async () => {
    await resetState()
    scenario = new Scenario()
    return () => scenario.teardown()
  })

  test('idle: exits at once; a mail queued after the signal waits for the next worker', async ({
    assert,
  }) => {
    await scenario.setup()
    const worker = await scenario.startWorker()
    const address = `idle-${Date.now()}@example.com`
    let late = ''
    const exitMs = await scenario.terminate(worker, async () => {
      late = await scenario.queueMail(address)
    })
    assert.isBelow(exitMs, EXIT_LIMIT_MS)
    await scenario.assertUntouched(assert, late)
    await scenario.assertDeliveredOnce(assert, [address])
  }).timeout(60_000)

  test('busy with a mail stuck in SMTP: the job is released, nothing new is taken', async ({
    assert,
  }) => {
    await scenario.setup(Number.POSITIVE_INFINITY)
    const worker = await scenario.startWorker()
    const stuck = `stuck-${Date.now()}@example.com`
    const stuckId = await scenario.queueMail(stuck)
    await waitUntil(() => scenario.smtp.deliveriesStarted === 1, 20_000, 'the mail to reach SMTP')

    const address = `busy-late-${Date.now()}@example.com`
    let late = ''
    const exitMs = await scenario.terminate(worker, async () => {
      late = await scenario.queueMail(address)
    })
    assert.isBelow(exitMs, EXIT_LIMIT_MS)
    await scenario.assertReleased(assert, stuckId)
    await scenario.assertUntouched(assert, late)
    await scenario.assertDeliveredOnce(assert, [stuck, address])
  }).timeout(60_000)

  test('a second signal ends a busy worker at once', async ({ assert }) => {
    await scenario.setup(Number.POSITIVE_INFINITY)
    const worker = await scenario.startWorker()
    await scenario.queueMail(`second-signal-${Date.now()}@example.com`)
    await waitUntil(() => scenario.smtp.deliveriesStarted === 1, 20_000, 'the mail to reach SMTP')

    let secondAt = 0
    await scenario.terminate(worker, async () => {
      await sleep(1000)
      secondAt = Date.now()
      worker.child.kill('SIGTERM')
    })
    const exit = await worker.exited
    assert.isBelow(exit.at - secondAt, 1000)
    assert.notEqual(exit.code, 0)
  }).timeout(60_000)

  test('Redis stopped: exits in time with a job running; the next worker delivers what was queued', async ({
    assert,
  }) => {
    await scenario.setup(Number.POSITIVE_INFINITY)
    const worker = await scenario.startWorker()
    const stuck = `redis-down-stuck-${Date.now()}@example.com`
    const stuckId = await scenario.queueMail(stuck)
    await waitUntil(() => scenario.smtp.deliveriesStarted === 1, 20_000, 'the mail to reach SMTP')

    await scenario.redis.cut()
    const exitMs = await scenario.terminate(worker)
    assert.isBelow(exitMs, EXIT_LIMIT_MS)

    await scenario.redis.restore()
    /* not released (Redis was gone) but not failed either: the stalled check returns it */
    const { job, state } = await scenario.jobOf(scenario.queues.mail, stuckId)
    assert.include(['active', 'waiting'], state)
    assert.equal(job.attemptsMade, 0)
    const address = `redis-down-late-${Date.now()}@example.com`
    await scenario.queueMail(address)
    await scenario.assertDeliveredOnce(assert, [address])
  }).timeout(60_000)

  test('Redis restarting: back during the shutdown, it hands out nothing to the stopping worker', async ({
    assert,
  }) => {
    await scenario.setup(Number.POSITIVE_INFINITY)
    const worker = await scenario.startWorker()
    const stuck = `redis-restart-stuck-${Date.now()}@example.com`
    const stuckId = await scenario.queueMail(stuck)
    await waitUntil(() => scenario.smtp.deliveriesStarted === 1, 20_000, 'the mail to reach SMTP')

    await scenario.redis.cut()
    const address = `redis-restart-late-${Date.now()}@example.com`
    let late = ''
    const exitMs = await scenario.terminate(worker, async () => {
      await sleep(2000)
      await scenario.redis.restore()
      late = await scenario.queueMail(address)
    })
    assert.isBelow(exitMs, EXIT_LIMIT_MS)
    await scenario.assertReleased(assert, stuckId)
    await scenario.assertUntouched(assert, late)
    await scenario.assertDeliveredOnce(assert, [stuck, address])
  }).timeout(60_000)

  test('database stopped: the job meeting it is retried later, not lost; nothing new is taken', async ({
    assert,
  }) => {
    await scenario.setup()
    const worker = await scenario.startWorker()
    await scenario.database.cut()
    const { period, id } = await scenario.queueInvoiceRun(2)
    /* the job meets the stopped database, fails this attempt and waits for its retry */
    await waitForState(scenario.queues.invoices, id, 'delayed')

    const address = `db-down-late-${Date.now()}@example.com`
    let late = ''
    const exitMs = await scenario.terminate(worker, async () => {
      late = await scenario.queueMail(address)
    })
    assert.isBelow(exitMs, EXIT_LIMIT_MS)
    await scenario.assertUntouched(assert, late)

    await scenario.database.restore()
    await scenario.assertDeliveredOnce(assert, [address])
    await waitForState(scenario.queues.invoices, id, 'completed')
    assert.lengthOf(await InvoiceRun.query().where('period', period.key), 1)
  }).timeout(60_000)

  test('database hanging mid-query: the job is released, nothing new is taken; the run completes once later', async ({
    assert,
  }) => {
    await scenario.setup()
    const worker = await scenario.startWorker()
    /* a first run opens the worker's database connection */
    const first = await scenario.queueInvoiceRun(3)
    await waitForState(scenario.queues.invoices, first.id, 'completed')
    scenario.database.freeze()
    const { period, id } = await scenario.queueInvoiceRun(2)
    await waitForState(scenario.queues.invoices, id, 'active')
    await sleep(500)

    const address = `db-hung-late-${Date.now()}@example.com`
    let late = ''
    const exitMs = await scenario.terminate(worker, async () => {
      late = await scenario.queueMail(address)
    })
    assert.isBelow(exitMs, EXIT_LIMIT_MS)
    await scenario.assertReleased(assert, id, scenario.queues.invoices)
    await scenario.assertUntouched(assert, late)

    await scenario.database.restore()
    await scenario.assertDeliveredOnce(assert, [address])
    await waitForState(scenario.queues.invoices, id, 'completed')
    assert.lengthOf(await InvoiceRun.query().where('period', period.key), 1)
  }).timeout(60_000)

  test('Chromium hung mid-render: exits in time, leaves no Chromium behind; the invoice is issued once later', async ({
    assert,
  }) => {
    await scenario.setup()
    const { customers } = await createMerchant({ customers: [{ terminals: 1 }] })
    const customerId = customers[0].id
    const service = new InvoiceRunService()
    const invoiceJob = async (monthsBack: number) => {
      const period = testPeriod(monthsBack)
      const invoiceRun = await service.start(period, 'test', { enqueue: false })
      const payload = { runId: invoiceRun.id, customerId, period: period.key }
      const job = await scenario.queues.invoices.add(generateInvoiceJob.name, payload, {
        ...generateInvoiceJob.options,
        jobId: generateInvoiceJob.jobId(period.key, customerId),
      })
      return { period, id: job.id! }
    }
    const worker = await scenario.startWorker()

    /* a first invoice starts Chromium; then Chromium stops answering (SIGSTOP) */
    const first = await invoiceJob(3)
    await waitForState(scenario.queues.invoices, first.id, 'completed')
    const chromium = await descendantPids(worker.child.pid!, 'chromium')
    assert.isNotEmpty(chromium)
    for (const pid of chromium) process.kill(pid, 'SIGSTOP')

    const hung = await invoiceJob(2)
    await waitForState(scenario.queues.invoices, hung.id, 'active')
    await sleep(1000)
    const address = `pdf-hung-late-${Date.now()}@example.com`
    let late = ''
    const exitMs = await scenario.terminate(worker, async () => {
      late = await scenario.queueMail(address)
    })
    assert.isBelow(exitMs, EXIT_LIMIT_MS)
    await scenario.assertReleased(assert, hung.id, scenario.queues.invoices)
    await scenario.assertUntouched(assert, late)
    await sleep(500)
    assert.deepEqual(chromium.filter(isAlive), [], 'Chromium processes left behind')

    await scenario.assertDeliveredOnce(assert, [address])
    await waitForState(scenario.queues.invoices, hung.id, 'completed')
    const invoices = await Invoice.query()
      .where('customer_id', customerId)
      .where('period', hung.period.key)
    assert.lengthOf(invoices, 1)
    assert.equal(invoices[0].status, 'issued')
  }).timeout(90_000)
})

async function waitForState(queue: Queue, id: string, wanted: string, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs
  let state = ''
  while (Date.now() < until) {
    state = (await (await Job.fromId(queue, id))?.getState()) ?? 'missing'
    if (state === wanted) return
    if (state === 'failed') break
    await sleep(100)
  }
  const job = await Job.fromId(queue, id)
  throw new Error(`job ${id} is ${state}, not ${wanted} (${job?.failedReason ?? ''})`)
}
