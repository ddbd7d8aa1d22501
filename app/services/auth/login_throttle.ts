import { errors, type Limiter } from '@adonisjs/limiter'
import type { HttpContext } from '@adonisjs/core/http'
import redis from '@adonisjs/redis/services/main'
import { LIMITER_KEY_PREFIX } from '#config/limiter'
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
  /**
   * Throws a translated 429 when either budget is used up. Both counts come with
   * one MGET (a login is mostly round trips besides its hash); only a budget that
   * looks used up is asked of the limiter itself, for its exact retry time.
   * Returns whether the account has failures on record (then a success clears them).
   */
  async assertAllowed(email: string, ctx: Pick<HttpContext, 'request' | 'i18n'>) {
    const perIp = budgets.loginFailuresPerIp()
    const perEmail = budgets.loginFailuresPerEmail()
    const ipKey = `ip:${ctx.request.ip()}`
    const emailKey = `email:${email}`
    const [ipCount, emailCount] = (
      await redis.mget(`${LIMITER_KEY_PREFIX}:${ipKey}`, `${LIMITER_KEY_PREFIX}:${emailKey}`)
    ).map((value) => Number(value ?? 0))

    const state =
      (ipCount >= perIp.requests ? await exhausted(perIp, ipKey) : null) ??
      (emailCount >= perEmail.requests ? await exhausted(perEmail, emailKey) : null)
    if (state) {
      const error = new errors.E_TOO_MANY_REQUESTS(state)
      tooManyMessage(ctx)(error)
      throw error
    }
    return { failuresOnRecord: emailCount > 0 }
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
