import type { HttpContext } from '@adonisjs/core/http'

/**
 * The items of a closings or payouts batch, or null after answering: 422 for a
 * body that is not `{"<key>": [ ... ]}` JSON, 413 for too many items.
 */
export function moneyBatch({ request, response }: HttpContext, key: string, max: number) {
  const items = request.body()?.[key]
  if (!request.is(['json']) || !Array.isArray(items) || items.length === 0) {
    response.unprocessableEntity({
      error: 'invalid_body',
      message: `Send Content-Type: application/json and a body {"${key}": [ ... ]} with 1 to ${max} items.`,
    })
    return null
  }
  if (items.length > max) {
    response.status(413).json({
      error: 'too_many_items',
      message: `At most ${max} ${key} per request; this one has ${items.length}. Split it into smaller batches.`,
    })
    return null
  }
  return items as unknown[]
}
