import limiter from '@adonisjs/limiter/services/main'
import { errors, type Limiter } from '@adonisjs/limiter'
import type { HttpContext } from '@adonisjs/core/http'

/*
| Failure budgets for the admin login (password and TOTP step), per normalized
| e-mail and per IP, like the merchants'. Only failures count. The keys carry a
| `staff-` prefix so they never share a counter with the merchant login.
*/
const perEmail = () => limiter.use({ requests: 10, duration: '15 mins', blockDuration: '15 mins' })
const perIp = () => limiter.use({ requests: 50, duration: '15 mins', blockDuration: '15 mins' })
const emailKey = (email: string) => `staff-login-email:${email}`
const ipKey = (ip: string) => `staff-login-ip:${ip}`

async function exhausted(budget: Limiter, key: string) {
  const state = await budget.get(key)
  return state && state.remaining <= 0 ? state : null
}

export const StaffThrottle = {
  /** Throws a translated 429 when the e-mail's or the IP's budget is used up. */
  async assertAllowed(email: string, ctx: Pick<HttpContext, 'request' | 'i18n'>) {
    const state =
      (await exhausted(perIp(), ipKey(ctx.request.ip()))) ??
      (await exhausted(perEmail(), emailKey(email)))
    if (state) {
      const error = new errors.E_TOO_MANY_REQUESTS(state)
      error.setMessage(ctx.i18n.t('admin.login.throttled'))
      throw error
    }
  },

  /** Counts one failure against both budgets. */
  async recordFailure(email: string, ip: string) {
    for (const [budget, key] of [
      [perIp(), ipKey(ip)],
      [perEmail(), emailKey(email)],
    ] as const) {
      const { consumed, limit } = await budget.increment(key)
      if (consumed >= limit && budget.blockDuration) await budget.block(key, budget.blockDuration)
    }
  },

  /** A completed login clears the e-mail's budget (never the IP's). */
  async recordSuccess(email: string) {
    await perEmail().delete(emailKey(email))
  },
}
