export type TotalsRollupPayload = { triggeredBy?: string }

/**
 * Moves the transactions the ingest marked pending into the list's totals
 * (`TransactionTotals.rollup`, ADR 1901), every 5 seconds on the money queue.
 * Safe on several workers at once: each pending row is claimed by one of them.
 * Until it runs, the list adds the pending rows live, so nothing waits for it
 * but speed.
 */
export const totalsRollupJob = {
  queue: 'money' as const,
  name: 'totals_rollup',
  /** the scheduler's id: upserting it again replaces, never duplicates */
  schedulerId: 'totals-rollup',
  everyMs: 5_000,
  options: {
    attempts: 3,
    backoff: { type: 'exponential' as const, delay: 2_000 },
    removeOnComplete: true,
    removeOnFail: { age: 24 * 3600 },
  },
}
