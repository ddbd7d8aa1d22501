import { test } from '@japa/runner'
import { Queue } from 'bullmq'
import env from '#start/env'
import { queueConnection } from '#services/queue/connection'
import { resetState } from '#tests/helpers/db'
import { SlowSmtp } from '#tests/functional/queue/slow_smtp'
import { sleep, waitUntil } from '#tests/functional/queue/helpers'
import {
  queueTestMail,
  startWorker,
  workerEnv,
  type WorkerProcess,
} from '#tests/functional/queue/worker_process'

/*
| A real `node ace queue:work` process on its own queue prefix (so the test
| process's in-process worker pool never takes these jobs) and its own SMTP
| server, which holds the first delivery open: the job is running when the
| signal arrives.
*/
const prefix = `${env.get('QUEUE_PREFIX', 'kp-test')}-child`
const smtpPort = env.get('SMTP_PORT') + 10
const childEnv = workerEnv(prefix, smtpPort)

test.group('Worker process: graceful shutdown', (group) => {
  let smtp: SlowSmtp | undefined
  const workers: WorkerProcess[] = []
  const mailQueue = () => new Queue('mail', { connection: queueConnection, prefix })

  group.each.setup(async () => {
    await resetState()
    const queue = mailQueue()
    await queue.obliterate({ force: true })
    await queue.close()
  })
  group.each.teardown(async () => {
    for (const worker of workers.splice(0)) {
      if (worker.child.exitCode === null && worker.child.signalCode === null) {
        worker.child.kill('SIGKILL')
      }
    }
    await smtp?.stop()
    smtp = undefined
  })

  test('kill -TERM while a mail job runs: the worker exits within 10 s and the mail is sent once after a restart', async ({
    assert,
  }) => {
    smtp = new SlowSmtp(smtpPort, Number.POSITIVE_INFINITY)
    await smtp.start()
    const address = `sigterm-${Date.now()}@example.com`
    const first = await startWorker(childEnv)
    workers.push(first)
    await queueTestMail(childEnv, address)
    await waitUntil(() => smtp!.deliveriesStarted === 1, 20_000, 'the job to reach SMTP')

    const signalledAt = Date.now()
    first.child.kill('SIGTERM')
    const exit = await first.exited
    assert.isBelow(exit.at - signalledAt, 10_000, `worker took ${exit.at - signalledAt} ms`)
    assert.lengthOf(smtp.to(address), 0)
    assert.include(first.output(), 'released 1 unfinished job')

    const second = await startWorker(childEnv)
    workers.push(second)
    await waitUntil(() => smtp!.to(address).length > 0, 45_000, 'the mail after the restart')
    await sleep(3000)
    assert.lengthOf(smtp.to(address), 1)
    assert.equal(smtp.to(address)[0].subject, 'Testnachricht aus dem Kundenportal')

    const queue = mailQueue()
    const counts = await queue.getJobCounts('active', 'wait', 'delayed', 'failed')
    await queue.close()
    assert.deepEqual(counts, { active: 0, wait: 0, delayed: 0, failed: 0 })

    const stoppingAt = Date.now()
    second.child.kill('SIGINT')
    const secondExit = await second.exited
    assert.isBelow(secondExit.at - stoppingAt, 10_000)
    assert.equal(secondExit.code, 0)
  }).timeout(120_000)

  test('kill -TERM while a short mail job runs: the worker finishes the job, then exits', async ({
    assert,
  }) => {
    smtp = new SlowSmtp(smtpPort, 2000)
    await smtp.start()
    const address = `sigterm-short-${Date.now()}@example.com`
    const worker = await startWorker(childEnv)
    workers.push(worker)
    await queueTestMail(childEnv, address)
    await waitUntil(() => smtp!.deliveriesStarted === 1, 20_000, 'the job to reach SMTP')

    const signalledAt = Date.now()
    worker.child.kill('SIGTERM')
    const exit = await worker.exited
    assert.isBelow(exit.at - signalledAt, 10_000)
    assert.equal(exit.code, 0)
    /* delivered before the process ended, and nothing left in the queue */
    assert.lengthOf(smtp.to(address), 1)
    const queue = mailQueue()
    const counts = await queue.getJobCounts('active', 'wait', 'delayed', 'failed', 'completed')
    await queue.close()
    assert.deepEqual(counts, { active: 0, wait: 0, delayed: 0, failed: 0, completed: 0 })
    assert.include(worker.output(), 'worker stopping')
  }).timeout(60_000)
})
