import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'

/*
| `/health` (and the bearer-token API under `/api/*`) need no session. Shield still makes a
| CSRF secret for every request and puts it into the session, so each monitoring probe left a
| session in Redis for its 30 minutes. A caller that came without a session cookie now leaves
| none behind; a browser that has one keeps it untouched.
*/
export default class StatelessRoutesMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    try {
      return await next()
    } finally {
      const pattern = ctx.route?.pattern ?? ''
      const stateless = pattern.startsWith('/api/') || pattern === '/health'
      if (stateless && ctx.session?.fresh) ctx.session.clear()
    }
  }
}
