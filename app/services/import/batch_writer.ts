import type { QueryClientContract, TransactionClientContract } from '@adonisjs/lucid/types/database'
import type { ImportCounts, ImportError, SummaryBuilder } from '#services/import/import_summary'

export interface ParsedRow<T> {
  line: number
  value: T
}

export interface BatchContext {
  counts: ImportCounts
  /** Rejects one row of the batch. */
  fail: (line: number, reason: string) => void
  /** Reports a field of a row that was kept at the portal's value (the row still loads). */
  conflict: (line: number, reason: string) => void
  /** A client for look-ups; may run while the previous batch is still being written. */
  reader: () => Promise<QueryClientContract>
  /** Waits until the previous batch is written, then gives the client to write with. */
  writer: () => Promise<QueryClientContract>
}

export type WriteBatch<T> = (rows: ParsedRow<T>[], context: BatchContext) => Promise<void>

type Outcome = { errors: ImportError[]; error?: unknown }

/**
 * Runs batches so that parsing, the look-ups of one batch and the write of the one before
 * overlap, while writes stay one at a time and in file order. A batch's errors are released
 * once it is done. Batches share a transaction until `commitEvery` rows, as a commit per
 * batch costs a disk flush each; in a dry run each group is rolled back instead.
 */
export class BatchWriter<T> {
  #trx: TransactionClientContract | null = null
  #uncommitted = 0
  #queue: Promise<Outcome>[] = []
  #writeTail: Promise<void> = Promise.resolve()
  /* SQLite has one connection: reading beside an open transaction would wait forever */
  readonly #readsBeside: boolean

  constructor(
    private connection: QueryClientContract,
    private writeBatch: WriteBatch<T>,
    private summary: SummaryBuilder,
    private commitEvery: number,
    private dryRun = false
  ) {
    this.#readsBeside = connection.dialect.name === 'mysql'
  }

  /** Starts a batch; waits first when two are already under way. */
  async push(rows: ParsedRow<T>[], errors: ImportError[]) {
    if (this.#queue.length >= 2) await this.#settleOldest()
    const previousWrite = this.#writeTail
    let endTurn!: () => void
    this.#writeTail = new Promise((resolve) => (endTurn = resolve))
    let turn: Promise<QueryClientContract> | null = null
    const writer = () =>
      (turn ??= previousWrite.then(async () => (this.#trx ??= await this.connection.transaction())))
    const context: BatchContext = {
      counts: this.summary.counts,
      fail: (line, reason) => {
        this.summary.counts.failed++
        errors.push({ line, reason })
      },
      conflict: (line, reason) => this.summary.conflict(line, reason),
      reader: async () => (this.#readsBeside ? this.connection : writer()),
      writer,
    }
    const run = (async () => {
      try {
        await this.writeBatch(rows, context)
        await writer()
        this.#uncommitted += rows.length
        if (this.#uncommitted >= this.commitEvery) await this.#commit()
      } finally {
        endTurn()
      }
    })()
    this.#queue.push(
      run.then(
        () => ({ errors }),
        (error: unknown) => ({ errors, error })
      )
    )
  }

  /** Waits for every batch and commits. */
  async finish() {
    while (this.#queue.length) await this.#settleOldest()
    await this.#commit()
  }

  /** After an unexpected error: lets running batches end, then rolls back the open group. */
  async abort() {
    await Promise.all(this.#queue)
    this.#queue = []
    await this.#trx?.rollback()
    this.#trx = null
  }

  async #settleOldest() {
    const done = await this.#queue[0]
    this.#queue.shift()
    if (done.error) throw done.error
    this.summary.release(done.errors)
  }

  async #commit() {
    /* a dry run writes everything (so the counts are real) and then takes it back */
    await (this.dryRun ? this.#trx?.rollback() : this.#trx?.commit())
    this.#trx = null
    this.#uncommitted = 0
  }
}
