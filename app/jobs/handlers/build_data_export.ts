import type { Job } from 'bullmq'
import type { JobHandler } from '#services/queue/worker_pool'
import { DataExportService } from '#services/privacy/data_export_service'
import { buildDataExportJob, type BuildDataExportPayload } from '#jobs/build_data_export'

/** Builds the ZIP and mails the link; once its attempts are used up, the page shows „failed“. */
export const buildDataExportHandler = {
  job: buildDataExportJob,

  async handle(job: Job<BuildDataExportPayload>) {
    return DataExportService.build(job.data.exportId)
  },

  async failed(job: Job<BuildDataExportPayload>) {
    await DataExportService.markFailed(job.data.exportId)
  },
} satisfies JobHandler<BuildDataExportPayload>
