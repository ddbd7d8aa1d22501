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
