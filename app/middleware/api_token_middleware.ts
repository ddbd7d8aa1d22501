import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { ApiTokenService } from '#services/api/api_token_service'

/**
 * Ingest API: `Authorization: Bearer <token>`; anything else is 401 and nothing happens.
 * The API is stateless: the session the global middleware opened (shield puts a CSRF
 * secret in it) is emptied, so no Redis session is written per machine request.
 */
export default class ApiTokenMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    try {
      const header = ctx.request.header('authorization') ?? ''
      const match = header.match(/^Bearer\s+(\S+)$/i)
      const token = match ? await ApiTokenService.verify(match[1]) : null
      if (!token) {
        return ctx.response
          .status(401)
          .json({ error: 'unauthorized', message: 'A valid API token is required.' })
      }
      return await next()
    } finally {
      ctx.session?.clear()
    }
  }
}
