import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { link, mkdir, open, stat, unlink, type FileHandle } from 'node:fs/promises'
import { dirname, join, normalize, sep } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { Writable } from 'node:stream'
import app from '@adonisjs/core/services/app'
import { documentMaxBytes, documentStoragePath } from '#config/portal'
import { maskPans } from '#services/security/card_number_guard'

/** What every real PDF starts with (ISO 32000: the header `%PDF-1.x`). */
const PDF_MAGIC = Buffer.from('%PDF-', 'latin1')

/** Why a file is not taken: the caller names the reason in the user's language. */
export type FileProblem = 'missing' | 'empty' | 'too_large' | 'not_pdf_name' | 'not_pdf'

export type StoredDocumentFile = { path: string; sha256: string; size: number }

/** A verified file, opened once: streamed from the same descriptor that was checked. */
export type VerifiedFile = { handle: FileHandle; size: number }

/**
 * The documents on disk (DOCUMENT_STORAGE_PATH/<customer id>/<uuid>.pdf). A file
 * is written once — to a temporary name, flushed, then hard-linked to its final
 * name, which fails instead of replacing an existing file — and read only after
 * its SHA-256 matched the recorded one. Nothing here changes or deletes a stored
 * document.
 */
export class DocumentStorage {
  constructor(
    readonly root = app.makePath(documentStoragePath),
    readonly maxBytes = documentMaxBytes
  ) {}

  /** The checks every upload passes: a `.pdf` name, a size within the limit, a real PDF. */
  async check(sourcePath: string, fileName: string): Promise<FileProblem | null> {
    if (!/\.pdf$/i.test(fileName.trim())) return 'not_pdf_name'
    let size: number
    try {
      const info = await stat(sourcePath)
      if (!info.isFile()) return 'missing'
      size = info.size
    } catch {
      return 'missing'
    }
    if (size === 0) return 'empty'
    if (size > this.maxBytes) return 'too_large'
    const handle = await open(sourcePath, 'r')
    try {
      const head = Buffer.alloc(PDF_MAGIC.length)
      const { bytesRead } = await handle.read(head, 0, head.length, 0)
      return bytesRead === PDF_MAGIC.length && head.equals(PDF_MAGIC) ? null : 'not_pdf'
    } finally {
      await handle.close()
    }
  }

  /** Copies a checked file into the archive (write once) and returns its path, SHA-256 and size. */
  async store(sourcePath: string, customerId: number): Promise<StoredDocumentFile> {
    const relative = `${customerId}/${randomUUID()}.pdf`
    const target = this.resolve(relative)
    await mkdir(dirname(target), { recursive: true })
    const temporary = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
    const hash = createHash('sha256')
    let size = 0
    const handle = await open(temporary, 'wx', 0o440)
    try {
      await pipeline(
        createReadStream(sourcePath),
        new Writable({
          write(chunk: Buffer, _encoding, done) {
            hash.update(chunk)
            size += chunk.length
            handle.write(chunk).then(() => done(), done)
          },
        })
      )
      await handle.sync()
    } catch (error) {
      await handle.close()
      await unlink(temporary).catch(() => {})
      throw error
    }
    await handle.close()
    try {
      /* link() refuses an existing name: a stored document is never overwritten */
      await link(temporary, target)
    } finally {
      await unlink(temporary).catch(() => {})
    }
    const directory = await open(dirname(target), 'r')
    await directory.sync().finally(() => directory.close())
    return { path: relative, sha256: hash.digest('hex'), size }
  }

  /**
   * Opens a stored file and checks it against the recorded SHA-256. On success the
   * caller streams from the returned handle (the bytes that were checked) and closes it.
   */
  async openVerified(
    relativePath: string,
    expectedSha256: string
  ): Promise<{ ok: true; file: VerifiedFile } | { ok: false; reason: 'missing' | 'mismatch' }> {
    let handle: FileHandle
    try {
      handle = await open(this.resolve(relativePath), 'r')
    } catch {
      return { ok: false, reason: 'missing' }
    }
    const hash = createHash('sha256')
    let size = 0
    for await (const chunk of handle.createReadStream({ start: 0, autoClose: false })) {
      hash.update(chunk as Buffer)
      size += (chunk as Buffer).length
    }
    if (hash.digest('hex') !== expectedSha256) {
      await handle.close()
      return { ok: false, reason: 'mismatch' }
    }
    return { ok: true, file: { handle, size } }
  }

  resolve(relativePath: string): string {
    const path = normalize(join(this.root, relativePath))
    if (!path.startsWith(normalize(this.root) + sep)) throw new Error('path outside the archive')
    return path
  }
}

/** The uploader's file name reduced to letters, digits, dot, dash and underscore (max. 120). */
export function sanitizeFileName(name: string) {
  const base = name.split(/[/\\]/).pop() ?? ''
  const clean = base
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+/, '')
    .slice(-120)
  /* a card number in the name (also one joined by the `_` above) keeps first 6 + last 4; x for the *, not allowed in file names */
  return maskPans(clean).text.replaceAll('*', 'x') || 'dokument.pdf'
}
