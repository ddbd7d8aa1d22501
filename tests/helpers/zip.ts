import { createHash } from 'node:crypto'
import yauzl from 'yauzl'

/*
| Reading ZIPs the portal produced (invoice bundles, data exports) with yauzl,
| which checks the archive's structure and each entry's CRC. Streams entry by
| entry: a large archive is never held in memory.
*/

/** The SHA-256 of every entry of the ZIP file at `zipPath`, by entry name. */
export function zipHashes(zipPath: string): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    yauzl.open(zipPath, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error)
      const hashes = new Map<string, string>()
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError)
          const hash = createHash('sha256')
          stream.on('data', (chunk: Buffer) => hash.update(chunk))
          stream.on('end', () => {
            hashes.set(entry.fileName, hash.digest('hex'))
            zip.readEntry()
          })
          stream.on('error', reject)
        })
      })
      zip.on('end', () => resolve(hashes))
      zip.on('error', reject)
      zip.readEntry()
    })
  })
}
