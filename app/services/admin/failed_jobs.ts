import type StaffUser from '#models/staff_user'
import { getQueue, type QueueName } from '#services/queue/queues'
import { AuditService } from '#services/audit/audit_service'

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

  /** Puts one failed job back into its queue, audited; false when it is not (or no longer) failed. */
  /** Agents retry mails and money alerts; invoice jobs (a run, an invoice) only admins. */
  mayRetry(queue: QueueName, staff: StaffUser) {
    return queue !== 'invoices' || staff.isAdmin
  },

  async retry(queue: QueueName, jobId: string, staff: StaffUser) {
    const job = await getQueue(queue).getJob(jobId)
    if (!job || !(await job.isFailed())) return false
    await job.retry('failed')
    await AuditService.record({
      action: 'job.retried',
      actor: { type: 'staff', id: staff.id },
      meta: { queue, jobId },
    })
    return true
  },
}
