import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { Job, Queue } from 'bullmq'
import { getQueue } from '#services/queue/queues'
import { queueConnection, queuePrefix } from '#services/queue/connection'
import { registerInvoiceScheduler } from '#services/invoices/invoice_scheduler'
import { keepSchedule } from '#services/queue/schedules'
import { BillingPeriod } from '#services/invoices/billing_period'
import { startInvoiceRunJob } from '#jobs/start_invoice_run'

test.group('Invoices / monthly scheduler', () => {
  test('registering at every worker start leaves exactly one schedule: 03:00 on the 1st, Berlin', async ({
    assert,
  }) => {
    const queue = getQueue('invoices')
    await Promise.all([registerInvoiceScheduler(), registerInvoiceScheduler()])
    await registerInvoiceScheduler()
    const schedulers = await queue.getJobSchedulers()
    const ours = schedulers.filter((entry) => entry.key === 'monthly-invoice-run')
    assert.lengthOf(ours, 1)
    assert.equal(ours[0].pattern, '0 3 1 * *')
    assert.equal(ours[0].tz, 'Europe/Berlin')
    const next = DateTime.fromMillis(Number(ours[0].next)).setZone('Europe/Berlin')
    assert.equal(next.day, 1)
    assert.equal(next.hour, 3)
    assert.equal(next.minute, 0)
    /* the delayed job it created bills the month before its scheduled time */
    const delayed = (await queue.getDelayed()).find((job) => job.name === 'start_invoice_run')
    assert.exists(delayed)
    assert.equal(
      startInvoiceRunJob.periodOf(delayed!).key,
      next.minus({ months: 1 }).toFormat('yyyy-MM')
    )
    await queue.removeJobScheduler('monthly-invoice-run')
  })

  test('when the schedule comes due, the run bills the month before the due date', async ({
    assert,
  }) => {
    /* the same schedule on a queue of its own (no worker takes from it here) */
    const queue = new Queue(`schedule-check-${process.pid}`, {
      connection: queueConnection,
      prefix: queuePrefix,
    })
    try {
      await queue.upsertJobScheduler(
        'monthly-invoice-run',
        { pattern: startInvoiceRunJob.cron, tz: startInvoiceRunJob.tz },
        { name: startInvoiceRunJob.name, data: { triggeredBy: 'scheduler' } }
      )
      const [scheduler] = await queue.getJobSchedulers()
      const due = DateTime.fromMillis(Number(scheduler.next)).setZone('Europe/Berlin')
      const [delayed] = await queue.getDelayed()
      /* it comes due: BullMQ moves it on and sets its delay to 0, as for a worker */
      await delayed.promote()
      const fetched = (await Job.fromId(queue, delayed.id!))!
      assert.equal(fetched.delay, 0)
      assert.equal(
        startInvoiceRunJob.periodOf(fetched).key,
        due.minus({ months: 1 }).toFormat('yyyy-MM')
      )
      /* a job added with a delay (no scheduler id) counts from its creation plus that delay */
      const added = await queue.add('start_invoice_run', {}, { delay: 40 * 24 * 3600 * 1000 })
      await added.promote()
      const addedFetched = (await Job.fromId(queue, added.id!))!
      assert.equal(
        startInvoiceRunJob.periodOf(addedFetched).key,
        DateTime.fromMillis(added.timestamp)
          .setZone('Europe/Berlin')
          .plus({ days: 40 })
          .minus({ months: 1 })
          .toFormat('yyyy-MM')
      )
    } finally {
      await queue.obliterate({ force: true })
      await queue.close()
    }
  })

  test('a run that came due while no worker ran is kept when a worker starts and registers again', async ({
    assert,
  }) => {
    const queue = new Queue(`schedule-keep-${process.pid}`, {
      connection: queueConnection,
      prefix: queuePrefix,
    })
    const template = {
      name: startInvoiceRunJob.name,
      data: { triggeredBy: 'scheduler' },
      opts: startInvoiceRunJob.options,
    }
    const timing = { pattern: startInvoiceRunJob.cron, tz: startInvoiceRunJob.tz }
    try {
      assert.equal(await keepSchedule(queue, 'monthly', timing, template), 'registered')
      const [due] = await queue.getDelayed()
      /* 03:00 on the 1st passed while every worker was down: the job waits */
      await due.promote()
      assert.equal(await keepSchedule(queue, 'monthly', timing, template), 'kept')
      assert.equal(await keepSchedule(queue, 'monthly', timing, template), 'kept')
      const waiting = await queue.getWaiting()
      assert.deepEqual(
        waiting.map((job) => job.id),
        [due.id]
      )
      assert.lengthOf(await queue.getJobSchedulers(), 1)
      /* a changed schedule (a new release) is registered anew */
      assert.equal(
        await keepSchedule(queue, 'monthly', { ...timing, pattern: '0 4 1 * *' }, template),
        'registered'
      )
      assert.equal((await queue.getJobScheduler('monthly'))?.pattern, '0 4 1 * *')
    } finally {
      await queue.obliterate({ force: true })
      await queue.close()
    }
  })

  test('the billing period is the Berlin month, also across the new year', ({ assert }) => {
    const newYear = DateTime.fromISO('2027-01-01T03:00:00', { zone: 'Europe/Berlin' })
    assert.equal(BillingPeriod.previous(newYear).key, '2026-12')
    const period = BillingPeriod.parse('2026-10')!
    /* 1 Oct 00:00 CEST = 30 Sep 22:00 UTC; 1 Nov 00:00 CET = 31 Oct 23:00 UTC */
    assert.deepEqual(period.utcRange, ['2026-09-30 22:00:00', '2026-10-31 23:00:00'])
    assert.isNull(BillingPeriod.parse('2026-13'))
    assert.isFalse(BillingPeriod.parse(DateTime.now().toFormat('yyyy-MM'))!.isClosed())
  })
})
