import type { HttpContext } from '@adonisjs/core/http'

/**
 * Answers for body-parser failures on `/api/*` in JSON with a fixed message.
 * The parser's own message quotes the body (which may hold a card number), so
 * it is never sent back. (A 400 is never reported to the log; the body is
 * dropped from the error anyway.) Returns false for any other error.
 */
export function renderApiBodyError(error: unknown, ctx: HttpContext) {
  const failure = error as { status?: number; code?: string; body?: unknown } | null
  if (!failure || typeof failure !== 'object') return false
  delete failure.body
  if (error instanceof SyntaxError && failure.status === 400) {
    ctx.response.status(400).json({
      error: 'invalid_json',
      message: 'The request body is not valid JSON.',
    })
    return true
  }
  if (failure.code === 'E_REQUEST_ENTITY_TOO_LARGE') {
    ctx.response.status(413).json({
      error: 'body_too_large',
      message: 'The request body is too large: send at most 1000 transactions per request.',
    })
    return true
  }
  return false
}
