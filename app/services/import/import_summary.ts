import type { CsvSource } from '#services/import/csv_lines'

export interface ImportError {
  /** Physical line in the file; the header is line 1. */
  line: number
  reason: string
}

export interface ImportCounts {
  /** Data rows read (blank lines are not rows). */
  read: number
  inserted: number
  /** Existing rows whose values changed. */
  updated: number
  /** Existing rows that already held exactly these values (nothing written). */
  unchanged: number
  failed: number
}

export interface ImportSummary extends ImportCounts {
  /** The first `maxErrors` row errors, by line. */
  errors: ImportError[]
  /** Rows whose text held a card number, stored masked (first 6 + last 4), by line. */
  masked: ImportError[]
  /**
   * Fields a row did not overwrite because an approved change request set them
   * (master_data_locks, docs/changes.md), by line. The row's other fields loaded.
   */
  conflicts: ImportError[]
  /** Set when the file as a whole could not be imported (missing, wrong header). */
  fileError: string | null
  durationMs: number
}

export interface ImportOptions {
  /** Called every `progressEvery` rows read. */
  onProgress?: (counts: ImportCounts) => void
  /** Called for each bad row, in line order. */
  onRowError?: (error: ImportError) => void
  /** Called for each row in which a card number was masked (the row itself still loads). */
  onRowMasked?: (notice: ImportError) => void
  /** Called for each row field kept at the portal's value (an approved change); the row loads. */
  onRowConflict?: (notice: ImportError) => void
  progressEvery?: number
  /** Rows per multi-row upsert statement. */
  batchSize?: number
  /** Check and count everything, then roll back: nothing is stored. */
  dryRun?: boolean
  /** Rows per transaction (several batches share one commit). */
  commitEvery?: number
  /** How many row errors the summary keeps (all are passed to `onRowError`). */
  maxErrors?: number
  /** Lucid connection name; the default connection when omitted. */
  connection?: string
}

export type Importer = (source: CsvSource, options?: ImportOptions) => Promise<ImportSummary>

/** Counts and errors of one run; a batch's errors are released together, in line order. */
export class SummaryBuilder {
  readonly counts: ImportCounts = { read: 0, inserted: 0, updated: 0, unchanged: 0, failed: 0 }
  readonly #errors: ImportError[] = []
  readonly #masked: ImportError[] = []
  readonly #conflicts: ImportError[] = []
  #pending: ImportError[] = []
  readonly #started = performance.now()

  constructor(private options: ImportOptions) {}

  fail(line: number, reason: string) {
    this.counts.failed++
    this.#pending.push({ line, reason })
  }

  /** A row whose text held a card number: stored masked, and the operator is told. */
  masked(line: number, reason: string) {
    const notice = { line, reason }
    if (this.#masked.length < (this.options.maxErrors ?? 1000)) this.#masked.push(notice)
    this.options.onRowMasked?.(notice)
  }

  /** A field kept at the value of an approved change: the operator is told. */
  conflict(line: number, reason: string) {
    const notice = { line, reason }
    if (this.#conflicts.length < (this.options.maxErrors ?? 1000)) this.#conflicts.push(notice)
    this.options.onRowConflict?.(notice)
  }

  /** Takes the errors collected since the last call (the current batch's). */
  takePending(): ImportError[] {
    const pending = this.#pending
    this.#pending = []
    return pending
  }

  /** Hands a batch's errors to the caller, sorted by line. */
  release(errors: ImportError[]) {
    const max = this.options.maxErrors ?? 1000
    for (const error of errors.sort((a, b) => a.line - b.line)) {
      if (this.#errors.length < max) this.#errors.push(error)
      this.options.onRowError?.(error)
    }
  }

  finish(fileError: string | null = null): ImportSummary {
    this.release(this.takePending())
    return {
      ...this.counts,
      errors: this.#errors,
      masked: this.#masked,
      conflicts: this.#conflicts,
      fileError,
      durationMs: Math.round(performance.now() - this.#started),
    }
  }
}
