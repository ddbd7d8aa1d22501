import { errors, type Limiter } from '@adonisjs/limiter'
import type { HttpContext } from '@adonisjs/core/http'
import { budgets, tooManyMessage } from '#start/limiter'

/*
| Failed-login budgets, per normalized e-mail and per IP. Only failures count;
| a success clears the account's budget (never the IP's, so one valid account
| cannot reset an IP that is stuffing credentials).
*/
async function exhausted(limiter: Limiter, key: string) {
  const state = await limiter.get(key)
  return state && state.remaining <= 0 ? state : null
}

export const LoginThrottle = {
  /** Throws a translated 429 when either budget is used up. */
  async assertAllowed(email: string, ctx: Pick<HttpContext, 'request' | 'i18n'>) {
    const [perIp, perEmail] = await Promise.all([
      exhausted(budgets.loginFailuresPerIp(), `ip:${ctx.request.ip()}`),
      exhausted(budgets.loginFailuresPerEmail(), `email:${email}`),
    ])
    const state = perIp ?? perEmail
    if (state) {
      const error = new errors.E_TOO_MANY_REQUESTS(state)
      tooManyMessage(ctx)(error)
      throw error
    }
  },

  /** Counts one failed attempt against both budgets, blocking a budget that runs out. */
  async recordFailure(email: string, ip: string) {
    for (const [limiter, key] of [
      [budgets.loginFailuresPerIp(), `ip:${ip}`],
      [budgets.loginFailuresPerEmail(), `email:${email}`],
    ] as const) {
      const { consumed, limit } = await limiter.increment(key)
      if (consumed >= limit && limiter.blockDuration)
        await limiter.block(key, limiter.blockDuration)
    }
  },

  /** A successful login clears the account's budget. */
  async recordSuccess(email: string) {
    await budgets.loginFailuresPerEmail().delete(`email:${email}`)
  },
}
