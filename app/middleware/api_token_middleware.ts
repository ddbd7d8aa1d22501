import { inject } from '@adonisjs/core'
import BodyParser from '@adonisjs/core/bodyparser_middleware'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { errors } from '@adonisjs/limiter'
import { budgets } from '#services/security/rate_limits'
import { ApiTokenService } from '#services/ingest/api_token_service'
import { limitKeyAddress } from '#services/security/client_address'

type Budget = ReturnType<typeof budgets.apiRequestsPerToken>

/**
 * Ingest API: `Authorization: Bearer <token>` is checked before anything reads the
 * body (the global body parser leaves `/api/*` alone, see BodyParserMiddleware):
 * a missing or wrong token gets 401 — or 429 once its IP has failed too often —
 * and the bytes sent are never parsed. A valid token has its own rate limit
 * (API_RATE_LIMIT a minute; 429 with Retry-After), then the body is parsed.
 * The API is stateless: the session the global middleware opened (shield puts a
 * CSRF secret in it) is emptied, so no Redis session is written per machine request.
 */
@inject()
export default class ApiTokenMiddleware {
  constructor(protected parser: BodyParser) {}

  async handle(ctx: HttpContext, next: NextFn) {
    try {
      const header = ctx.request.header('authorization') ?? ''
      const match = header.match(/^Bearer\s+(\S+)$/i)
      const token = match ? await ApiTokenService.verify(match[1]) : null
      if (!token) {
        const waitSeconds = await exhausted(
          budgets.apiFailedTokensPerIp(),
          `api_ip:${limitKeyAddress(ctx.request.ip())}`
        )
        if (waitSeconds) return tooMany(ctx, waitSeconds)
        return ctx.response
          .status(401)
          .json({ error: 'unauthorized', message: 'A valid API token is required.' })
      }
      const waitSeconds = await exhausted(budgets.apiRequestsPerToken(), `api_token:${token.id}`)
      if (waitSeconds) return tooMany(ctx, waitSeconds)

      /* a machine client has no form to re-fill: no deep copy of the body as "original input" */
      const request = ctx.request
      request.setInitialBody = (body: Record<string, unknown>) => request.updateBody(body)
      return await this.parser.handle(ctx, next)
    } finally {
      ctx.session?.clear()
    }
  }
}

/** Counts one request against the budget; the seconds to wait when it is used up, else 0. */
async function exhausted(budget: Budget, key: string) {
  try {
    await budget.consume(key)
    return 0
  } catch (error) {
    if (error instanceof errors.E_TOO_MANY_REQUESTS) return Math.max(1, error.response.availableIn)
    throw error
  }
}

function tooMany(ctx: HttpContext, waitSeconds: number) {
  return ctx.response
    .status(429)
    .header('Retry-After', String(waitSeconds))
    .json({
      error: 'too_many_requests',
      message: `Too many requests. Try again in ${waitSeconds} seconds.`,
    })
}
