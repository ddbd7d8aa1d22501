import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { Transform, type TransformCallback } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { ZipArchive } from 'archiver'
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import { InvoiceStorage } from '#services/invoices/invoice_storage'
import { downloadName } from '#services/i18n/download_names'

/** A range of billing periods, both ends inclusive (`YYYY-MM`). */
export type ZipRange = { from: string; to: string }

/** One file of the ZIP: its name inside the ZIP, its archive path and recorded SHA-256. */
export type ZipEntry = { name: string; path: string; sha256: string; invoice: string; date: Date }

export type ZipPlan =
  | { status: 'ok'; entries: ZipEntry[]; fileName: string }
  | { status: 'empty' }
  | { status: 'unavailable' }

/** At most this many years in one ZIP (the retention period). */
export const ZIP_MAX_YEARS = 10

/** A year as a range: January to December. */
export function yearRange(year: number): ZipRange {
  return { from: `${year}-01`, to: `${year}-12` }
}

/** Months from `from` to `to` inclusive (negative when reversed). */
export function monthsInRange({ from, to }: ZipRange) {
  const [fromYear, fromMonth] = from.split('-').map(Number)
  const [toYear, toMonth] = to.split('-').map(Number)
  return (toYear - fromYear) * 12 + (toMonth - fromMonth) + 1
}

class ArchiveMismatch extends Error {}

/**
 * „Alle Rechnungen als ZIP“: the archived PDF and XML files of the given customers'
 * issued and cancelled invoices (cancellation invoices included) of a range of
 * billing periods, streamed from the archive into a ZIP — never held in memory,
 * never printed again. Every file's SHA-256 is checked against the stored one
 * before the ZIP starts, and again while it is copied in; a mismatch is logged
 * and the ZIP is refused (before the first byte) or aborted (a file changed since).
 */
export class InvoiceZip {
  constructor(readonly storage = new InvoiceStorage()) {}

  /** The files to pack, each already checked against its SHA-256. */
  async plan(customerIds: number[], range: ZipRange, locale = 'de'): Promise<ZipPlan> {
    const entries = await this.entries(customerIds, range)
    if (entries.length === 0) return { status: 'empty' }
    for (const entry of entries) {
      const actual = await this.#hashFile(entry.path)
      if (actual !== entry.sha256) {
        logger.error(
          { invoice: entry.invoice, file: entry.path, reason: actual ? 'mismatch' : 'missing' },
          'archived invoice file failed its SHA-256 check; invoice ZIP refused'
        )
        return { status: 'unavailable' }
      }
    }
    return { status: 'ok', entries, fileName: zipFileName(range, locale) }
  }

  /** PDF and XML of every issued or cancelled invoice in the range, by number. */
  async entries(customerIds: number[], range: ZipRange): Promise<ZipEntry[]> {
    if (!customerIds.length) return []
    const rows: {
      number: string
      file_path: string | null
      file_sha256: string | null
      xml_path: string | null
      xml_sha256: string | null
      issue_date: string | Date | null
    }[] = await db
      .from('invoices')
      .whereIn('customer_id', customerIds)
      .whereIn('status', ['issued', 'cancelled'])
      .whereNotNull('number')
      .where('period', '>=', range.from)
      .where('period', '<=', range.to)
      .orderBy('number')
      .select('number', 'file_path', 'file_sha256', 'xml_path', 'xml_sha256', 'issue_date')
    const entries: ZipEntry[] = []
    for (const row of rows) {
      const date = row.issue_date ? new Date(row.issue_date) : new Date()
      for (const [path, sha256, extension] of [
        [row.file_path, row.file_sha256, 'pdf'],
        [row.xml_path, row.xml_sha256, 'xml'],
      ] as const) {
        if (path && sha256) {
          entries.push({
            name: `${row.number}.${extension}`,
            path,
            sha256,
            invoice: row.number,
            date,
          })
        }
      }
    }
    return entries
  }

  /**
   * The ZIP as a stream (pipe it into the response). Files are added one at a
   * time, each through a hashing pass-through that fails the ZIP when the bytes
   * differ from the recorded SHA-256; a reader that goes away stops the feed.
   */
  stream(entries: ZipEntry[]): ZipArchive {
    /* PDFs are compressed already: stored; the XML is deflated */
    const archive = new ZipArchive({ zlib: { level: 6 } })
    const feed = async () => {
      for (const entry of entries) {
        if (archive.destroyed) return
        const source = createReadStream(this.storage.resolve(entry.path))
        const checked = new VerifyingStream(entry)
        source.on('error', (error) => checked.destroy(error))
        archive.append(source.pipe(checked), {
          name: entry.name,
          date: entry.date,
          store: entry.name.endsWith('.pdf'),
        })
        const outcome = await nextEntry(archive)
        if (outcome !== 'entry') {
          source.destroy()
          return
        }
      }
      await archive.finalize()
    }
    archive.on('error', (error) => {
      logger.error({ err: error }, 'invoice ZIP aborted')
    })
    feed().catch((error) => archive.destroy(error))
    return archive
  }

  async #hashFile(relativePath: string): Promise<string | null> {
    const hash = createHash('sha256')
    try {
      await pipeline(createReadStream(this.storage.resolve(relativePath)), hash)
    } catch {
      return null
    }
    return hash.digest('hex')
  }
}

/** Resolves when the archive took the entry, or says why it stopped. */
function nextEntry(archive: ZipArchive): Promise<'entry' | 'stopped'> {
  return new Promise((resolve) => {
    const done = (outcome: 'entry' | 'stopped') => () => {
      archive.off('entry', onEntry)
      archive.off('error', onStop)
      archive.off('close', onStop)
      resolve(outcome)
    }
    const onEntry = done('entry')
    const onStop = done('stopped')
    archive.once('entry', onEntry)
    archive.once('error', onStop)
    archive.once('close', onStop)
  })
}

/** Passes a file's bytes through and fails at the end when their SHA-256 is not the recorded one. */
class VerifyingStream extends Transform {
  #hash = createHash('sha256')

  constructor(readonly entry: ZipEntry) {
    super()
  }

  _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
    this.#hash.update(chunk)
    callback(null, chunk)
  }

  _flush(callback: TransformCallback) {
    if (this.#hash.digest('hex') === this.entry.sha256) return callback()
    logger.error(
      { invoice: this.entry.invoice, file: this.entry.path, reason: 'mismatch' },
      'archived invoice file changed while zipping; invoice ZIP aborted'
    )
    callback(new ArchiveMismatch(`SHA-256 mismatch for ${this.entry.name}`))
  }
}

/** `Rechnungen_2026.zip` or `Rechnungen_2026-01_2026-06.zip` (`Invoices_…` in English). */
export function zipFileName(range: ZipRange, locale = 'de') {
  const [fromYear, fromMonth] = range.from.split('-')
  const [toYear, toMonth] = range.to.split('-')
  if (fromYear === toYear && fromMonth === '01' && toMonth === '12') {
    return downloadName(locale, 'invoices_year_zip', { year: fromYear })
  }
  return downloadName(locale, 'invoices_range_zip', { from: range.from, to: range.to })
}
