import { createHash, randomBytes } from 'node:crypto'
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises'
import { dirname, join, normalize, sep } from 'node:path'
import { invoiceStoragePath } from '#config/portal'
import app from '@adonisjs/core/services/app'

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

export type StoredFile = { path: string; sha256: string }

/**
 * The invoice archive on disk (INVOICE_STORAGE_PATH/<year>/<number>.pdf|xml).
 * Files are written to a temporary name, flushed and renamed, so a reader never
 * sees half a file; nothing here deletes an archived file.
 */
export class InvoiceStorage {
  constructor(readonly root = app.makePath(invoiceStoragePath)) {}

  /** Writes atomically and returns the path relative to the root and the SHA-256. */
  async write(relativePath: string, bytes: Uint8Array): Promise<StoredFile> {
    const target = this.resolve(relativePath)
    await mkdir(dirname(target), { recursive: true })
    const temporary = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
    const handle = await open(temporary, 'w', 0o640)
    try {
      await handle.writeFile(bytes)
      await handle.sync()
    } finally {
      await handle.close()
    }
    try {
      await rename(temporary, target)
    } catch (error) {
      await unlink(temporary).catch(() => {})
      throw error
    }
    const directory = await open(dirname(target), 'r')
    await directory.sync().finally(() => directory.close())
    return { path: relativePath, sha256: sha256(bytes) }
  }

  /** Reads a file and checks it against the recorded SHA-256. */
  async readVerified(
    relativePath: string,
    expectedSha256: string
  ): Promise<{ ok: true; bytes: Buffer } | { ok: false; reason: 'missing' | 'mismatch' }> {
    let bytes: Buffer
    try {
      bytes = await readFile(this.resolve(relativePath))
    } catch {
      return { ok: false, reason: 'missing' }
    }
    if (sha256(bytes) !== expectedSha256) return { ok: false, reason: 'mismatch' }
    return { ok: true, bytes }
  }

  resolve(relativePath: string): string {
    const path = normalize(join(this.root, relativePath))
    if (!path.startsWith(normalize(this.root) + sep)) throw new Error('path outside the archive')
    return path
  }
}
