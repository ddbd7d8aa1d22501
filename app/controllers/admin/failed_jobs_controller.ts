import type { HttpContext } from '@adonisjs/core/http'
import { QUEUE_NAMES, type QueueName } from '#services/queue/queues'
import { FailedJobs, retryFailedJob } from '#services/admin/failed_jobs'
import { AuditService } from '#services/audit/audit_service'

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

  async retry(ctx: HttpContext) {
    const { params, response, session, i18n, auth } = ctx
    if (!(QUEUE_NAMES as readonly string[]).includes(params.queue)) return response.notFound()
    const queue = params.queue as QueueName
    const done = await retryFailedJob(queue, String(params.jobId))
    if (done) {
      await AuditService.record({
        action: 'job.retried',
        actor: { type: 'staff', id: auth.use('admin').user!.id },
        meta: { queue, jobId: String(params.jobId) },
      })
    }
    session.flash(
      done ? 'success' : 'error',
      i18n.t(done ? 'admin.jobs.retried' : 'admin.jobs.not_failed')
    )
    return response.redirect(`/admin/jobs?queue=${queue}`)
  }
}
