import { test } from '@japa/runner'
import mail from '@adonisjs/mail/services/main'
import type { Job } from 'bullmq'
import TestMail from '#mails/test_mail'
import { recipients } from '#demo/smtp_sink'
import { smtpSink, workerPool } from '#tests/helpers/services'
import { resetState } from '#tests/helpers/db'
import { sleep, waitUntil } from '#tests/functional/queue/helpers'

test.group('Mail queue: SMTP outage', (group) => {
  group.each.setup(() => resetState())
  group.each.teardown(async () => {
    if (!smtpSink.running) await smtpSink.start()
  })

  test('a mail sent while SMTP is down arrives exactly once when SMTP is back', async ({
    assert,
  }) => {
    const address = `smtp-down-${Date.now()}@example.com`
    const mailWorker = workerPool!.workers.find((worker) => worker.name === 'mail')!
    const failedAttempts: string[] = []
    const onFailed = (job: Job | undefined, error: Error) => {
      if (job && JSON.stringify(job.data).includes(address)) failedAttempts.push(error.message)
    }
    mailWorker.on('failed', onFailed)

    try {
      await smtpSink.stop()
      await mail.sendLater(new TestMail(address, 'de'))

      /* the worker really tried while SMTP was down, and nothing got through */
      await waitUntil(() => failedAttempts.length >= 2, 15_000, 'two failed delivery attempts')
      assert.match(failedAttempts[0], /ECONNREFUSED|connect/i)
      assert.lengthOf(smtpSink.to(address), 0)

      await smtpSink.start()
      const received = await smtpSink.waitFor((m) => recipients(m).includes(address), 30_000)
      assert.equal(received.parsed.subject, 'Testnachricht aus dem Kundenportal')

      /* later retries must not deliver it a second time */
      await sleep(5000)
      assert.lengthOf(smtpSink.to(address), 1)
    } finally {
      mailWorker.off('failed', onFailed)
    }
  }).timeout(90_000)
})
