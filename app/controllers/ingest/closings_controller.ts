import type { HttpContext } from '@adonisjs/core/http'
import { ClosingIngest } from '#services/ingest/closing_ingest'
import { MAX_MONEY_ITEMS_PER_REQUEST } from '#services/ingest/money_items'
import { moneyBatch } from '#helpers/money_batch'

/** `POST /api/v1/closings`: the terminals' Kassenschnitte (docs/ingest.md, docs/money.md). */
export default class ClosingsController {
  async store(ctx: HttpContext) {
    const items = moneyBatch(ctx, 'closings', MAX_MONEY_ITEMS_PER_REQUEST)
    if (!items) return
    const result = await new ClosingIngest().ingest(items, ctx.request.raw())
    return ctx.response.status(result.counts.rejected > 0 ? 422 : 200).json(result)
  }
}
