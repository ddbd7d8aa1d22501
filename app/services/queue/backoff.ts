/*
| How long a mail waits before its next attempt (BullMQ backoff type `mail`,
| registered on every worker in worker_pool.ts): doubling from 1 s, then every 15
| minutes. With the mail jobs' 100 attempts a mail outlasts an SMTP outage of about
| a day — a relay restart, an expired certificate overnight — and still leaves
| within seconds of a short hiccup. What fails after that is listed at /admin/jobs.
*/
export const MAIL_BACKOFF = 'mail'
const FIRST_MS = 1000
const LONGEST_MS = 15 * 60 * 1000

export function mailBackoff(attemptsMade: number) {
  return Math.min(FIRST_MS * 2 ** Math.max(0, attemptsMade - 1), LONGEST_MS)
}

/** BullMQ's custom backoff strategy: `mail` as above; other custom types are not used. */
export function backoffStrategy(attemptsMade: number, type?: string) {
  if (type === MAIL_BACKOFF) return mailBackoff(attemptsMade)
  return FIRST_MS
}
