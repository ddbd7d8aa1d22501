import type { HttpContext } from '@adonisjs/core/http'
import limiter from '@adonisjs/limiter/services/main'
import type { errors } from '@adonisjs/limiter'
import { apiRateLimit } from '#config/portal'

/*
| Rate limits consumed in services (failure budgets, per-user and per-token
| caps). The route throttles that cap whole forms per IP are in start/limiter.ts.
*/

/** Sets the translated message on a 429 (rendered by the error page). */
export function tooManyMessage(ctx: Pick<HttpContext, 'i18n'>) {
  return (error: InstanceType<typeof errors.E_TOO_MANY_REQUESTS>) => {
    error.setMessage(ctx.i18n.t('account.throttled'))
  }
}

/** Budgets consumed in services, keyed by normalized e-mail, user id or IP. */
export const budgets = {
  /** POST /login: all attempts per IP, a ceiling against floods (LoginThrottle.assertAllowed) */
  loginAttemptsPerIp: () => limiter.use({ requests: 150, duration: '1 minute' }),
  /** failed logins per account; the account itself locks at 10 consecutive failures */
  loginFailuresPerEmail: () =>
    limiter.use({ requests: 10, duration: '15 mins', blockDuration: '15 mins' }),
  /** failed logins per IP (credential stuffing across many accounts) */
  loginFailuresPerIp: () =>
    limiter.use({ requests: 50, duration: '15 mins', blockDuration: '15 mins' }),
  /** registrations per normalized e-mail */
  registerPerEmail: () => limiter.use({ requests: 5, duration: '1 hour', blockDuration: '1 hour' }),
  /** reset mails per account: a flood never locks the account, it only stops the mails */
  resetPerEmail: () => limiter.use({ requests: 3, duration: '1 hour' }),
  /** „Kundennummer hinzufügen“ per user */
  linkCustomerPerUser: () =>
    limiter.use({ requests: 10, duration: '1 hour', blockDuration: '1 hour' }),
  /** e-mail change requests per user */
  emailChangePerUser: () => limiter.use({ requests: 5, duration: '1 hour' }),
  /**
   * Ingest API requests per token (API_RATE_LIMIT a minute, default 6,000: 100 a
   * second of up to 1,000 transactions each, far above what a processing host sends)
   */
  apiRequestsPerToken: () => limiter.use({ requests: apiRateLimit, duration: '1 minute' }),
  /** Ingest API requests with a missing or wrong token per IP; then 429 for 15 minutes */
  apiFailedTokensPerIp: () =>
    limiter.use({ requests: 30, duration: '10 mins', blockDuration: '15 mins' }),
  /** staff login failures per account and per IP (the admin login's own counters) */
  staffLoginFailuresPerEmail: () =>
    limiter.use({ requests: 10, duration: '15 mins', blockDuration: '15 mins' }),
  staffLoginFailuresPerIp: () =>
    limiter.use({ requests: 50, duration: '15 mins', blockDuration: '15 mins' }),
  /** contact form messages per IP and per sender address */
  contactPerIp: () => limiter.use({ requests: 10, duration: '1 hour', blockDuration: '1 hour' }),
  contactPerEmail: () => limiter.use({ requests: 5, duration: '1 hour', blockDuration: '1 hour' }),
}
