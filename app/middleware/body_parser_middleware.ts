import { inject } from '@adonisjs/core'
import BodyParser from '@adonisjs/core/bodyparser_middleware'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'

/** Routes whose parsed body is read once and never flashed back into a form. */
const NO_ORIGINAL_COPY = new Set(['/api/v1/transactions'])

/**
 * The framework's body parser, with one difference for the ingest API: the parser
 * keeps a deep copy of every body as the "original input" for re-filling forms
 * after a failed validation. For a 1,000-transaction batch that copy costs more
 * than validating the batch, and a machine client has no form to re-fill, so
 * there the parsed body is set without the copy (`request.original()` is undefined).
 * Limits, error answers and all other routes are the framework's own.
 */
@inject()
export default class BodyParserMiddleware {
  constructor(protected parser: BodyParser) {}

  handle(ctx: HttpContext, next: NextFn) {
    if (ctx.route && NO_ORIGINAL_COPY.has(ctx.route.pattern)) {
      const request = ctx.request
      request.setInitialBody = (body: Record<string, unknown>) => request.updateBody(body)
    }
    return this.parser.handle(ctx, next)
  }
}
