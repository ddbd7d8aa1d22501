import type { HttpContext } from '@adonisjs/core/http'
import { PayoutIngest } from '#services/ingest/payout_ingest'
import { MAX_MONEY_ITEMS_PER_REQUEST } from '#services/ingest/money_items'
import { moneyBatch } from '#helpers/money_batch'

/** `POST /api/v1/payouts`: credits to the merchants' bank accounts (docs/ingest.md, docs/money.md). */
export default class PayoutsController {
  async store(ctx: HttpContext) {
    const items = moneyBatch(ctx, 'payouts', MAX_MONEY_ITEMS_PER_REQUEST)
    if (!items) return
    const result = await new PayoutIngest().ingest(items, ctx.request.raw())
    return ctx.response.status(result.counts.rejected > 0 ? 422 : 200).json(result)
  }
}
