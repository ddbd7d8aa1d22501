import type { Job } from 'bullmq'
import { DateTime } from 'luxon'

/**
 * The time a scheduler's job was due (not when it ran, nor when it was created).
 * A job scheduler names its jobs `repeat:<scheduler id>:<due time in ms>`; else the
 * job was added with a delay: its creation time plus the delay it was given. Not
 * `job.delay`: BullMQ sets that to 0 when the job comes due, so a handler reading
 * it would take the creation time — for a monthly job, a month too early.
 */
export function scheduledTime(job: Pick<Job, 'id' | 'timestamp' | 'opts'>) {
  const due = /^repeat:.+:(\d{12,})$/.exec(String(job.id ?? ''))
  if (due) return DateTime.fromMillis(Number(due[1]))
  return DateTime.fromMillis(job.timestamp + (job.opts.delay ?? 0))
}
