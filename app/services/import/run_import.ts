import db from '@adonisjs/lucid/services/db'
import { BatchWriter, type ParsedRow, type WriteBatch } from '#services/import/batch_writer'
import { openCsv, type CsvFile, type CsvSource } from '#services/import/csv_lines'
import { Problem } from '#services/import/normalizers'
import { maskPans } from '#services/security/card_number_guard'
import {
  SummaryBuilder,
  type ImportOptions,
  type ImportSummary,
} from '#services/import/import_summary'

/* SQLite binds at most 32,766 values per statement: 2,000 rows × 12 columns stay below */
const MAX_BATCH_SIZE = 2000

/** What differs between the customer and the terminal import. */
export interface ImportSpec<T> {
  /** Header columns in their documented order. */
  columns: readonly string[]
  /**
   * Columns a file may add after the required ones (e.g. `settlement_rhythm`, issue 16):
   * older files without them still import. `parse` gets each as its own text, or
   * `undefined` when the file has no such column.
   */
  optionalColumns?: readonly string[]
  /**
   * Columns not scanned for card numbers: checked strictly (an IBAN by mod 97)
   * and never echoed in full, so a typo is reported as what it is.
   */
  keepAsTyped?: readonly string[]
  /**
   * Checks and normalizes one row's fields (given in `columns` order); `optional` holds
   * the `optionalColumns` in their order, `undefined` for a column the file does not have.
   */
  parse(fields: string[], optional: (string | undefined)[]): T | Problem | Problem[]
  /** Writes one batch; reports rows it rejects with `fail(line, reason)`. */
  write: WriteBatch<T>
}

/** Streams a CSV file through `spec` in batches; bad rows are collected, good rows written. */
export async function runImport<T>(
  source: CsvSource,
  spec: ImportSpec<T>,
  options: ImportOptions = {}
): Promise<ImportSummary> {
  const summary = new SummaryBuilder(options)
  const counts = summary.counts
  const batchSize = Math.min(Math.max(1, options.batchSize ?? 1000), MAX_BATCH_SIZE)
  const progressEvery = options.progressEvery ?? 50_000
  const fail = (line: number, reason: string) => summary.fail(line, reason)

  let file: CsvFile
  try {
    file = await openCsv(source)
  } catch (error) {
    if (isFileSystemError(error)) return summary.finish(`cannot read the file: ${error.message}`)
    throw error
  }
  const headerProblem = checkHeader(file, spec.columns, spec.optionalColumns ?? [])
  if (headerProblem) return summary.finish(headerProblem)
  const positions = spec.columns.map((column) => file.header.indexOf(column))
  const optionalPositions = (spec.optionalColumns ?? []).map((column) =>
    file.header.indexOf(column)
  )
  const allColumns = [...spec.columns, ...(spec.optionalColumns ?? [])]

  const writer = new BatchWriter<T>(
    db.connection(options.connection),
    spec.write,
    summary,
    options.commitEvery ?? 10_000,
    options.dryRun
  )
  let batch: ParsedRow<T>[] = []
  try {
    for await (const rows of file.rows) {
      for (const row of rows) {
        counts.read++
        if ('error' in row) {
          fail(row.line, row.error)
        } else if (row.fields.length !== file.header.length) {
          fail(row.line, `expected ${file.header.length} columns, found ${row.fields.length}`)
        } else {
          const fields = [...positions, ...optionalPositions].map((position) =>
            position === -1 ? '' : row.fields[position]
          )
          maskCardNumbers(fields, allColumns, spec.keepAsTyped, (reason) =>
            summary.masked(row.line, reason)
          )
          const optional = fields
            .slice(positions.length)
            .map((field, index) => (optionalPositions[index] === -1 ? undefined : field))
          const parsed = spec.parse(fields.slice(0, positions.length), optional)
          if (parsed instanceof Problem) fail(row.line, parsed.reason)
          else if (Array.isArray(parsed)) fail(row.line, parsed.map((p) => p.reason).join('; '))
          else {
            /* a normaliser that drops separators must not join a card number back together */
            const joined = joinedCardNumber(parsed, spec.keepAsTyped)
            if (joined) fail(row.line, `${joined}: looks like a card number, not stored`)
            else batch.push({ line: row.line, value: parsed })
          }
        }
        if (batch.length >= batchSize) {
          await writer.push(batch, summary.takePending())
          batch = []
        }
        if (counts.read % progressEvery === 0) options.onProgress?.({ ...counts })
      }
    }
    if (batch.length) await writer.push(batch, summary.takePending())
    await writer.finish()
  } catch (error) {
    await writer.abort()
    throw error
  }
  return summary.finish()
}

/**
 * Masks card numbers in the fields of a row (to first 6 + last 4) before they
 * are checked, stored or echoed in an error: a file is text someone typed.
 * A valid IBAN is no card number (card_number_guard.ts), so bank data stays.
 */
function maskCardNumbers(
  fields: string[],
  columns: readonly string[],
  keepAsTyped: readonly string[] | undefined,
  report: (reason: string) => void
) {
  const masked: string[] = []
  for (const [index, field] of fields.entries()) {
    if (keepAsTyped?.includes(columns[index])) continue
    const result = maskPans(field)
    if (!result.masked) continue
    fields[index] = result.text
    masked.push(columns[index])
  }
  if (masked.length) {
    report(
      `card number in ${masked.join(', ')} masked: only its first 6 and last 4 digits are stored`
    )
  }
}

/**
 * The first field of a parsed row that holds a card number — possible only where
 * normalising removed what separated its digits (`4111    1111    1111    1111`, with
 * more blanks than the guard reads as one number, in a customer number).
 */
function joinedCardNumber(parsed: unknown, keepAsTyped: readonly string[] | undefined) {
  if (!parsed || typeof parsed !== 'object') return null
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== 'string' || keepAsTyped?.includes(snakeCase(key))) continue
    if (maskPans(value).masked) return snakeCase(key)
  }
  return null
}

const snakeCase = (key: string) => key.replace(/[A-Z]/g, (char) => `_${char.toLowerCase()}`)

function checkHeader(
  { header, headerLine }: CsvFile,
  columns: readonly string[],
  optional: readonly string[]
) {
  if (header.length === 0) return 'the file is empty (a header line is expected)'
  const missing = columns.filter((column) => !header.includes(column))
  const doubled = header.filter((name, index) => name !== '' && header.indexOf(name) !== index)
  if (missing.length === 0 && doubled.length === 0) return null
  const reasons = []
  if (missing.length) reasons.push(`missing column(s) ${missing.join(', ')}`)
  if (doubled.length) reasons.push(`column(s) ${doubled.join(', ')} appear twice`)
  const extra = optional.length ? ` (optional after them: ${optional.join(',')})` : ''
  return `line ${headerLine}: wrong header: ${reasons.join('; ')}. Expected: ${columns.join(',')}${extra}`
}

function isFileSystemError(error: unknown): error is NodeJS.ErrnoException {
  return (
    error instanceof Error && ['ENOENT', 'EISDIR', 'EACCES'].includes((error as any).code ?? '')
  )
}
