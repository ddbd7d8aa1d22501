import { errors, type Limiter } from '@adonisjs/limiter'
import type { HttpContext } from '@adonisjs/core/http'
import redis from '@adonisjs/redis/services/main'
import { LIMITER_KEY_PREFIX } from '#config/limiter'
import { budgets, tooManyMessage } from '#services/security/rate_limits'

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
   * Throws a translated 429 when either failure budget is used up or, with
   * `countAttempt` (the login form), when this IP's attempts exceed the ceiling.
   * The attempt is counted and both failure counts are read in one round trip
   * (sent in the same tick, Redis auto-pipelining puts them in one write): a login
   * is mostly round trips besides its hash. Only a budget that looks used up is
   * asked of the limiter itself, for its exact retry time. Returns whether the
   * account has failures on record (then a success clears them).
   */
  async assertAllowed(
    email: string,
    ctx: Pick<HttpContext, 'request' | 'i18n'>,
    { countAttempt = false } = {}
  ) {
    const perIp = budgets.loginFailuresPerIp()
    const perEmail = budgets.loginFailuresPerEmail()
    const ip = ctx.request.ip()
    const ipKey = `ip:${ip}`
    const emailKey = `email:${email}`
    const [ceiling, counts] = await Promise.all([
      countAttempt
        ? budgets
            .loginAttemptsPerIp()
            .consume(`attempts:${ip}`)
            .then(
              () => null,
              (error: unknown) => error
            )
        : null,
      redis.mget(`${LIMITER_KEY_PREFIX}:${ipKey}`, `${LIMITER_KEY_PREFIX}:${emailKey}`),
    ])
    if (ceiling instanceof errors.E_TOO_MANY_REQUESTS) tooManyMessage(ctx)(ceiling)
    if (ceiling) throw ceiling
    const [ipCount, emailCount] = counts.map((value) => Number(value ?? 0))

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
