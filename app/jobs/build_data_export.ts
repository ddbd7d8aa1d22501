export type BuildDataExportPayload = { exportId: number }

/**
 * Builds one user's „Meine Daten herunterladen“ ZIP on disk and mails the link
 * (`handlers/build_data_export.ts` → `DataExportService.build`). On the `mail`
 * queue: every deployment runs a worker for it (the link goes out by mail anyway),
 * and a ZIP of one person's data takes a moment, not minutes. The job id is the
 * export row's, so a double click never builds twice; a retried build starts over.
 */
export const buildDataExportJob = {
  queue: 'mail' as const,
  name: 'build_data_export',
  options: {
    attempts: 3,
    backoff: { type: 'exponential' as const, delay: 5000 },
    removeOnComplete: { age: 24 * 3600 },
    removeOnFail: { age: 7 * 24 * 3600 },
  },

  /** per export row; its creation time keeps a restored or emptied database from reusing an old id */
  jobId(exportId: number, createdAtMs: number) {
    return `data-export-${exportId}-${createdAtMs}`
  },
}
