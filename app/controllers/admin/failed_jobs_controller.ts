import type { HttpContext } from '@adonisjs/core/http'
import { QUEUE_NAMES, type QueueName } from '#services/queue/queues'
import { FailedJobs } from '#services/support/failed_jobs'

/** /admin/jobs: failed background jobs per queue (never their payload). */
export default class FailedJobsController {
  async index({ request, view }: HttpContext) {
    const requested = String(request.input('queue', 'mail'))
    const queue: QueueName = (QUEUE_NAMES as readonly string[]).includes(requested)
      ? (requested as QueueName)
      : 'mail'
    return view.render('pages/admin/jobs/index', {
      queue,
      queues: QUEUE_NAMES,
      jobs: await FailedJobs.list(queue),
    })
  }
}
