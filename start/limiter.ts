/*
| Named throttles for the account flows. Every key is an IP or a normalized
| e-mail; every 429 carries a readable German/English message.
|
| Two kinds:
| - route middleware (`registerIpThrottle`, …) caps all POSTs of a form per IP,
|   a ceiling against floods that keeps argon2 from eating the CPU (for the login
|   form the same ceiling is `budgets.loginAttemptsPerIp`, checked in one Redis
|   round trip with the failure budgets by LoginThrottle);
| - failure budgets (`failureBudgets`) count only failed logins (per account
|   and per IP) and are consumed by LoginThrottle in app/services/auth.
*/
import type { HttpContext } from '@adonisjs/core/http'
import limiter from '@adonisjs/limiter/services/main'
import env from '#start/env'
import type { errors } from '@adonisjs/limiter'

/** Sets the translated message on a 429 (rendered by the error page). */
export function tooManyMessage(ctx: Pick<HttpContext, 'i18n'>) {
  return (error: InstanceType<typeof errors.E_TOO_MANY_REQUESTS>) => {
    error.setMessage(ctx.i18n.t('auth.throttled'))
  }
}

/** POST /register and „Kundennummer hinzufügen“: per IP. */
export const registerIpThrottle = limiter.define('register_ip', (ctx) =>
  limiter.allowRequests(20).every('1 hour').blockFor('1 hour').limitExceeded(tooManyMessage(ctx))
)

/** POST /forgot-password: per IP. */
export const forgotIpThrottle = limiter.define('forgot_ip', (ctx) =>
  limiter.allowRequests(20).every('1 hour').blockFor('1 hour').limitExceeded(tooManyMessage(ctx))
)

/** The normalized e-mail of a form, as a throttle key (empty input shares one key). */
const emailKey = (ctx: HttpContext) =>
  `email:${String(ctx.request.input('email', '')).trim().toLowerCase().slice(0, 254)}`

/** POST /register: per normalized e-mail, whether or not an account exists. */
export const registerEmailThrottle = limiter.define('register_email', (ctx) =>
  limiter
    .allowRequests(5)
    .every('1 hour')
    .usingKey(emailKey(ctx))
    .limitExceeded(tooManyMessage(ctx))
)

/** POST /forgot-password: per normalized e-mail, whether or not an account exists. */
export const forgotEmailThrottle = limiter.define('forgot_email', (ctx) =>
  limiter
    .allowRequests(5)
    .every('1 hour')
    .usingKey(emailKey(ctx))
    .limitExceeded(tooManyMessage(ctx))
)

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
  apiRequestsPerToken: () =>
    limiter.use({ requests: env.get('API_RATE_LIMIT', 6000), duration: '1 minute' }),
  /** Ingest API requests with a missing or wrong token per IP; then 429 for 15 minutes */
  apiFailedTokensPerIp: () =>
    limiter.use({ requests: 30, duration: '10 mins', blockDuration: '15 mins' }),
}
