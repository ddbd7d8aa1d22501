import { getQueue, type QueueName } from '#services/queue/queues'

/**
 * Failed jobs for the admin list. Only name, id, reason, attempts and time:
 * a mail job's payload holds the whole mail (links included), so it is never shown.
 */
export const FailedJobs = {
  async list(queue: QueueName, limit = 50) {
    try {
      const jobs = await getQueue(queue).getFailed(0, limit - 1)
      return jobs.map((job) => ({
        id: job.id ?? '',
        name: job.name,
        reason: (job.failedReason ?? '').slice(0, 300),
        attempts: job.attemptsMade,
        failedAt: job.finishedOn ? new Date(job.finishedOn) : null,
      }))
    } catch {
      return null
    }
  },
}

/** Puts one failed job back into its queue; false when it is not (or no longer) failed. */
export async function retryFailedJob(queue: QueueName, jobId: string) {
  const job = await getQueue(queue).getJob(jobId)
  if (!job || !(await job.isFailed())) return false
  await job.retry('failed')
  return true
}
