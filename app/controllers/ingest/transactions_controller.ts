import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import { IngestService, MAX_ITEMS_PER_REQUEST } from '#services/ingest/ingest_service'

/** `POST /api/v1/transactions`: the processing host pushes card transactions in batches. */
@inject()
export default class TransactionsController {
  constructor(protected ingest: IngestService) {}

  async store({ request, response }: HttpContext) {
    const items = request.body()?.transactions
    if (!request.is(['json']) || !Array.isArray(items) || items.length === 0) {
      return response.unprocessableEntity({
        error: 'invalid_body',
        message:
          'Send Content-Type: application/json and a body {"transactions": [ ... ]} with 1 to 1000 items.',
      })
    }
    if (items.length > MAX_ITEMS_PER_REQUEST) {
      return response.status(413).json({
        error: 'too_many_items',
        message: `At most ${MAX_ITEMS_PER_REQUEST} transactions per request; this one has ${items.length}. Split it into smaller batches.`,
      })
    }
    const result = await this.ingest.ingest(items, request.raw())
    /* 422 as soon as an item is refused (PRODUCT: created or duplicate, or 422 with the reasons);
       the body says per item what happened: the good ones are stored, a resend is idempotent */
    /* plain JSON.stringify: the framework's safe serializer costs more than the insert for 1,000 items */
    return response
      .status(result.counts.rejected > 0 ? 422 : 200)
      .header('content-type', 'application/json; charset=utf-8')
      .send(JSON.stringify(result))
  }
}
