import { getQueue } from '#services/queue/queues'

/**
 * Waits until the mail queue has nothing waiting, running or delayed: every mail asked for so
 * far has been sent (or failed). Then „no mail to X“ is a fact, not a guess after a sleep.
 */
export async function mailsSettled(timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs
  const queue = getQueue('mail')
  while (Date.now() < deadline) {
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized')
    if (Object.values(counts).every((count) => count === 0)) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error('timed out waiting for the mail queue to settle')
}
