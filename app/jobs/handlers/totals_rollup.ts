import type { JobHandler } from '#services/queue/worker_pool'
import { TransactionTotals } from '#services/merchant/transaction_totals'
import { totalsRollupJob, type TotalsRollupPayload } from '#jobs/totals_rollup'

/** Adds the pending transactions to the list's totals (app/services/merchant/transaction_totals.ts). */
export const totalsRollupHandler = {
  job: totalsRollupJob,

  async handle() {
    return { moved: await TransactionTotals.rollup() }
  },
} satisfies JobHandler<TotalsRollupPayload>
