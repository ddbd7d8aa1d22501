import { errors, type Limiter } from '@adonisjs/limiter'
import type { I18n } from '@adonisjs/i18n'
import redis from '@adonisjs/redis/services/main'
import { LIMITER_KEY_PREFIX } from '#config/limiter'
import { budgets } from '#services/security/rate_limits'
import { limitKeyAddress } from '#services/security/client_address'

/** Who is knocking: the address the budgets are kept for, and the language of a 429. */
export type Client = { ip: string; i18n: I18n }

type FailureBudgets = {
  /** failed attempts per normalized e-mail */
  perEmail: () => Limiter
  /** failed attempts per IP */
  perIp: () => Limiter
  /** all attempts per IP, a ceiling against floods (checked with `countAttempt`) */
  attemptsPerIp?: () => Limiter
  emailKey: (email: string) => string
  ipKey: (ip: string) => string
  /** the lang key of the 429's message */
  message: string
}

async function exhausted(limiter: Limiter, key: string) {
  const state = await limiter.get(key)
  return state && state.remaining <= 0 ? state : null
}

/*
| Failed-login budgets, per normalized e-mail and per IP. Only failures count;
| a success clears the account's budget (never the IP's, so one valid account
| cannot reset an IP that is stuffing credentials). One class for both logins
| (merchants: LoginThrottle, staff: StaffThrottle), each with its own keys.
*/
export class FailureThrottle {
  constructor(private limits: FailureBudgets) {}

  #tooMany(state: ConstructorParameters<typeof errors.E_TOO_MANY_REQUESTS>[0], client: Client) {
    const error = new errors.E_TOO_MANY_REQUESTS(state)
    error.setMessage(client.i18n.t(this.limits.message))
    return error
  }

  /**
   * Throws a translated 429 when either failure budget is used up or, with
   * `countAttempt` (the login form), when this IP's attempts exceed the ceiling.
   * The attempt is counted and both failure counts are read in one round trip
   * (sent in the same tick, Redis auto-pipelining puts them in one write): a login
   * is mostly round trips besides its hash. Only a budget that looks used up is
   * asked of the limiter itself, for its exact retry time. Returns whether the
   * account has failures on record (then a success clears them).
   */
  async assertAllowed(email: string, client: Client, { countAttempt = false } = {}) {
    const { perIp, perEmail, attemptsPerIp, emailKey, ipKey } = this.limits
    const ipBudget = perIp()
    const emailBudget = perEmail()
    const ipCounter = ipKey(client.ip)
    const emailCounter = emailKey(email)
    const [ceiling, counts] = await Promise.all([
      countAttempt && attemptsPerIp
        ? attemptsPerIp()
            .consume(`attempts:${client.ip}`)
            .then(
              () => null,
              (error: unknown) => error
            )
        : null,
      redis.mget(`${LIMITER_KEY_PREFIX}:${ipCounter}`, `${LIMITER_KEY_PREFIX}:${emailCounter}`),
    ])
    if (ceiling instanceof errors.E_TOO_MANY_REQUESTS) {
      ceiling.setMessage(client.i18n.t(this.limits.message))
    }
    if (ceiling) throw ceiling
    const [ipCount, emailCount] = counts.map((value) => Number(value ?? 0))

    const state =
      (ipCount >= ipBudget.requests ? await exhausted(ipBudget, ipCounter) : null) ??
      (emailCount >= emailBudget.requests ? await exhausted(emailBudget, emailCounter) : null)
    if (state) throw this.#tooMany(state, client)
    return { failuresOnRecord: emailCount > 0 }
  }

  /** Counts one failed attempt against both budgets, blocking a budget that runs out. */
  async recordFailure(email: string, ip: string) {
    for (const [limiter, key] of [
      [this.limits.perIp(), this.limits.ipKey(ip)],
      [this.limits.perEmail(), this.limits.emailKey(email)],
    ] as const) {
      const { consumed, limit } = await limiter.increment(key)
      if (consumed >= limit && limiter.blockDuration)
        await limiter.block(key, limiter.blockDuration)
    }
  }

  /** A successful login clears the account's budget. */
  async recordSuccess(email: string) {
    await this.limits.perEmail().delete(this.limits.emailKey(email))
  }
}

/** The merchants' login (and every check of their current password). */
export const LoginThrottle = new FailureThrottle({
  perEmail: budgets.loginFailuresPerEmail,
  perIp: budgets.loginFailuresPerIp,
  attemptsPerIp: budgets.loginAttemptsPerIp,
  emailKey: (email) => `email:${email}`,
  ipKey: (ip) => `ip:${limitKeyAddress(ip)}`,
  message: 'account.throttled',
})
