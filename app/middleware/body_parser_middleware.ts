import { inject } from '@adonisjs/core'
import BodyParser from '@adonisjs/core/bodyparser_middleware'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { maskFormInput, rememberMasked } from '#services/security/masked_input'

/**
 * The framework's body parser, with two differences:
 * - `/api/*` is left unread here: ApiTokenMiddleware checks the bearer token first
 *   and parses the body only for a valid one (every API route sits behind it);
 * - every card number in the input is masked to first 6 + last 4 before anything
 *   sees it — the query string of a POST, PUT, PATCH or DELETE (it is merged over
 *   the body in `request.all()`) and the body of any type (form, multipart, JSON) —
 *   so validators, controllers,
 *   the original-input copy flashed back into forms and the session only ever hold
 *   the masked text; the request remembers it, so CardNumberNoticeMiddleware tells
 *   the writer (ADR 1401).
 * Limits and error answers are the framework's own.
 */
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

@inject()
export default class BodyParserMiddleware {
  constructor(protected parser: BodyParser) {}

  handle(ctx: HttpContext, next: NextFn) {
    if (ctx.route?.pattern.startsWith('/api/')) return next()
    const request = ctx.request
    /*
     * The query string of a request that changes something. A GET's query is a
     * filter or a cursor that is never stored, and some hold digit runs that may
     * pass the Luhn check (`after=20261203121530-4711`): masking them would break
     * the page.
     */
    const query = WRITES.has(request.method())
      ? maskFormInput(request.qs())
      : { body: {}, fields: [] as string[] }
    if (query.fields.length) request.updateQs(query.body)

    const setInitialBody = request.setInitialBody.bind(request)
    const updateRawBody = request.updateRawBody.bind(request)
    let parsed = false
    let masked = query.fields.length > 0
    request.setInitialBody = (body: Record<string, unknown>) => {
      parsed = true
      const result = maskFormInput(body)
      masked ||= result.fields.length > 0
      rememberMasked(request, [...query.fields, ...result.fields])
      setInitialBody(result.body)
    }
    /* the raw text of a masked request is not kept at all */
    request.updateRawBody = (raw: string) => updateRawBody(masked ? '' : raw)

    return this.parser.handle(ctx, () => {
      /* no body read: the original-input copy still holds the raw query string */
      if (!parsed && query.fields.length) {
        rememberMasked(request, query.fields)
        setInitialBody(request.body())
      }
      return next()
    })
  }
}
