import type { HttpContext } from '@adonisjs/core/http'
import { QUEUE_NAMES } from '#services/queue/queues'
import { FailedJobs } from '#services/admin/failed_jobs'
import { jobFilterValidator, jobParamsValidator } from '#validators/admin'

/** /admin/jobs: failed background jobs per queue (never their payload). */
export default class FailedJobsController {
  async index({ request, view, auth }: HttpContext) {
    const { queue = 'mail' } = await request.validateUsing(jobFilterValidator, {
      data: request.qs(),
    })
    return view.render('pages/admin/jobs/index', {
      queue,
      mayRetry: FailedJobs.mayRetry(queue, auth.use('admin').user!),
      queues: QUEUE_NAMES,
      jobs: await FailedJobs.list(queue),
    })
  }

  async retry({ params, request, response, session, i18n, auth }: HttpContext) {
    const { queue, jobId } = await request.validateUsing(jobParamsValidator, { data: params })
    const staff = auth.use('admin').user!
    /* an invoice job starts or finishes an invoice run: the admins' (as the runs' own retry) */
    if (!FailedJobs.mayRetry(queue, staff)) {
      return response.forbidden(i18n.t('admin.errors.admins_only'))
    }
    const done = await FailedJobs.retry(queue, jobId, staff)
    session.flash(
      done ? 'success' : 'error',
      i18n.t(done ? 'admin.jobs.retried' : 'admin.jobs.not_failed')
    )
    return response.redirect().toRoute('admin.jobs.index', undefined, { qs: { queue } })
  }
}
