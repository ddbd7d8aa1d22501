import type { BaseCommand } from '@adonisjs/core/ace'
import type { CsvSource } from '#services/import/csv_lines'
import type { ImportCounts, ImportSummary, Importer } from '#services/import/import_summary'

const number = new Intl.NumberFormat('en-US')

/**
 * Runs an importer for an ace command: bad rows as `line N: reason` on stdout, progress on
 * stderr, a summary at the end, exit code 1 when the file or any row failed.
 */
export async function runImportCommand(
  command: BaseCommand,
  importer: Importer,
  source: CsvSource,
  options: { batchSize?: number; progressEvery?: number; dryRun?: boolean } = {}
): Promise<ImportSummary> {
  const logger = command.logger
  let conflictCount = 0
  const summary = await importer(source, {
    ...options,
    maxErrors: 0,
    onRowError: (error) => logger.log(`line ${error.line}: ${error.reason}`),
    onRowMasked: (notice) => logger.warning(`line ${notice.line}: ${notice.reason}`),
    /* a conflict is no failure: the row loaded, the approved value stayed (exit code unchanged) */
    onRowConflict: (notice) => {
      conflictCount++
      logger.warning(`line ${notice.line}: ${notice.reason}`)
    },
    onProgress: (counts) => logger.logError(`… ${describe(counts)}, ${memory()}`),
  })
  if (summary.fileError) {
    logger.error(summary.fileError)
    command.exitCode = 1
    return summary
  }
  const seconds = summary.durationMs / 1000
  const rate = Math.round(summary.read / Math.max(seconds, 0.001))
  const prefix = options.dryRun ? 'dry run, nothing stored: ' : ''
  const text = `${prefix}${describe(summary)} in ${seconds.toFixed(1)} s (${number.format(rate)} rows/s, peak RSS ${peakRssMiB()} MiB)`
  if (summary.failed > 0) {
    logger.warning(text)
    logger.error(
      options.dryRun
        ? `${number.format(summary.failed)} row(s) would fail. Fix the lines above before importing.`
        : `${number.format(summary.failed)} row(s) failed; the good rows are loaded. Fix the lines above and import the file again (re-running is safe).`
    )
    command.exitCode = 1
  } else {
    logger.success(text)
  }
  if (conflictCount > 0) {
    logger.warning(
      `${number.format(conflictCount)} field(s) kept at the value of an approved change request (see the lines above); the file's value was not loaded for them.`
    )
  }
  return summary
}

function describe(counts: ImportCounts) {
  return [
    `read ${number.format(counts.read)}`,
    `inserted ${number.format(counts.inserted)}`,
    `updated ${number.format(counts.updated)}`,
    `unchanged ${number.format(counts.unchanged)}`,
    `failed ${number.format(counts.failed)}`,
  ].join(', ')
}

function memory() {
  /* under `node --expose-gc` (the benchmark) the heap figure is the live heap after a GC */
  ;(globalThis as { gc?: () => void }).gc?.()
  const { rss, heapUsed } = process.memoryUsage()
  return `RSS ${Math.round(rss / 1048576)} MiB, heap ${Math.round(heapUsed / 1048576)} MiB`
}

function peakRssMiB() {
  return Math.round(process.resourceUsage().maxRSS / 1024)
}
