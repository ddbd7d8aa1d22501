import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { ApiTokenService } from '#services/api/api_token_service'

/** Ingest API: `Authorization: Bearer <token>`; anything else is 401 and nothing happens. */
export default class ApiTokenMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const header = ctx.request.header('authorization') ?? ''
    const match = header.match(/^Bearer\s+(\S+)$/i)
    const token = match ? await ApiTokenService.verify(match[1]) : null
    if (!token) {
      return ctx.response
        .status(401)
        .json({ error: 'unauthorized', message: 'A valid API token is required.' })
    }
    return next()
  }
}
