import { inject } from '@adonisjs/core'
import BodyParser from '@adonisjs/core/bodyparser_middleware'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { maskFormInput, rememberMasked } from '#services/security/masked_input'

/**
 * The framework's body parser, with two differences:
 * - `/api/*` is left unread here: ApiTokenMiddleware checks the bearer token first
 *   and parses the body only for a valid one (every API route sits behind it);
 * - a form body has every card number in its text masked to first 6 + last 4
 *   before anything sees it — the original-input copy flashed back into forms,
 *   validators, controllers, the session — and the request remembers it, so
 *   CardNumberNoticeMiddleware tells the writer (ADR 1401).
 * Limits and error answers are the framework's own.
 */
@inject()
export default class BodyParserMiddleware {
  constructor(protected parser: BodyParser) {}

  handle(ctx: HttpContext, next: NextFn) {
    if (ctx.route?.pattern.startsWith('/api/')) return next()
    if (ctx.request.is(['urlencoded', 'multipart'])) {
      const request = ctx.request
      const setInitialBody = request.setInitialBody.bind(request)
      const updateRawBody = request.updateRawBody.bind(request)
      let masked = false
      request.setInitialBody = (body: Record<string, unknown>) => {
        const result = maskFormInput(body)
        masked = result.fields.length > 0
        rememberMasked(request, result.fields)
        setInitialBody(result.body)
      }
      /* the raw text of a masked form is not kept at all */
      request.updateRawBody = (raw: string) => updateRawBody(masked ? '' : raw)
    }
    return this.parser.handle(ctx, next)
  }
}
