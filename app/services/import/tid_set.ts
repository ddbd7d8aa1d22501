/**
 * The set of 8-digit terminal IDs seen in a file, as a bitmap: 12.5 MB whatever the
 * file's size, so duplicate detection keeps memory flat for millions of rows.
 */
export class TidSet {
  readonly #bits = new Uint8Array(100_000_000 / 8)

  /** Adds the TID; false when it was already there. */
  add(tid: string): boolean {
    const value = Number(tid)
    const index = value >>> 3
    const mask = 1 << (value & 7)
    if (this.#bits[index] & mask) return false
    this.#bits[index] |= mask
    return true
  }
}
