import type { JobHandler } from '#services/queue/worker_pool'
import { runRetention } from '#services/retention/retention_service'
import { retentionJob, type RetentionPayload } from '#jobs/retention'

/** Deletes and anonymises what is past its retention period (app/services/retention). */
export const retentionHandler = {
  job: retentionJob,

  async handle() {
    return runRetention()
  },
} satisfies JobHandler<RetentionPayload>
