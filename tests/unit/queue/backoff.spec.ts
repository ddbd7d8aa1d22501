import { test } from '@japa/runner'
import { backoffStrategy, mailBackoff, MAIL_BACKOFF } from '#services/queue/backoff'
import { sendMailJob } from '#jobs/send_mail'
import { sendInvoiceMailJob } from '#jobs/send_invoice_mail'

test.group('Mail retries', () => {
  test('a mail is retried within seconds first, then every 15 minutes, for about a day', ({
    assert,
  }) => {
    assert.deepEqual(
      [1, 2, 3, 4].map((attempt) => backoffStrategy(attempt, MAIL_BACKOFF)),
      [1000, 2000, 4000, 8000]
    )
    assert.equal(mailBackoff(40), 15 * 60 * 1000)
    for (const job of [sendMailJob, sendInvoiceMailJob]) {
      assert.equal(job.options.backoff.type, MAIL_BACKOFF)
      let waited = 0
      for (let attempt = 1; attempt < job.options.attempts; attempt++)
        waited += mailBackoff(attempt)
      /* an overnight SMTP outage is outlasted; the last try is not weeks later */
      assert.isAbove(waited, 22 * 3600 * 1000)
      assert.isBelow(waited, 30 * 3600 * 1000)
    }
  })
})
