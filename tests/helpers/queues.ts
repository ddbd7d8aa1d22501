import { getQueue } from '#services/queue/queues'

/**
 * Waits until no mail job is waiting or running (the mail queue, and the invoice mails on the
 * invoices queue): every mail asked for so far has been sent or has failed. Then „no mail to
 * X“ is a fact, not a guess after a sleep. Delayed jobs (a retry after an SMTP error, the
 * schedulers' next runs) are not waited for.
 */
export async function mailsSettled(timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    let busy = 0
    for (const name of ['mail', 'invoices'] as const) {
      const counts = await getQueue(name).getJobCounts('waiting', 'active', 'prioritized')
      busy += Object.values(counts).reduce((sum, count) => sum + count, 0)
    }
    if (busy === 0) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error('timed out waiting for the mail jobs to finish')
}
