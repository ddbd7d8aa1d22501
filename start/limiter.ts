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
|   and per IP) and are consumed by LoginThrottle in app/services/account.
*/
import type { HttpContext } from '@adonisjs/core/http'
import limiter from '@adonisjs/limiter/services/main'
import { tooManyMessage } from '#services/security/rate_limits'
import { limitKeyAddress } from '#services/security/client_address'

/** The client's address as a limit key: an IPv6 client by its /64 (client_address.ts). */
const ipKey = (ctx: HttpContext) => `ip_${limitKeyAddress(ctx.request.ip())}`

/** A form's ceiling per client: 20 POSTs an hour, then blocked for an hour. */
const hourlyPerIp = (name: string) =>
  limiter.define(name, (ctx) =>
    limiter
      .allowRequests(20)
      .every('1 hour')
      .blockFor('1 hour')
      .usingKey(ipKey(ctx))
      .limitExceeded(tooManyMessage(ctx))
  )

/** POST /register and „Kundennummer hinzufügen“: per IP. */
export const registerIpThrottle = hourlyPerIp('register_ip')

/** POST /forgot-password: per IP. */
export const forgotIpThrottle = hourlyPerIp('forgot_ip')

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
