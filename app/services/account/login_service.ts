import { randomBytes } from 'node:crypto'
import hash from '@adonisjs/core/services/hash'
import type { HttpContext } from '@adonisjs/core/http'
import User from '#models/user'
import { AuditService } from '#services/audit/audit_service'
import { AccountStateService } from '#services/account/account_state_service'
import { LoginThrottle } from '#services/account/login_throttle'

/** Consecutive failed logins that lock an account (reason `failed_logins`). */
export const LOCK_AFTER_FAILURES = 10

/* A hash with the real parameters, verified when the e-mail is unknown, so an
   unknown address costs the same argon2id work as a wrong password. */
let dummyHash: Promise<string> | undefined
const decoyHash = () => (dummyHash ??= hash.make(randomBytes(24).toString('base64')))

export type LoginResult = { ok: true; user: User } | { ok: false }

type LoginCtx = Pick<HttpContext, 'request' | 'i18n'>

export const LoginService = {
  /**
   * Checks e-mail and password. Unknown e-mail, wrong password, locked,
   * disabled and not yet activated all return `{ ok: false }` after the same work.
   * Throws a 429 when the account's or the IP's failure budget is used up.
   */
  async attempt(email: string, password: string, ctx: LoginCtx): Promise<LoginResult> {
    const normalized = User.normalizeEmail(email)
    const { failuresOnRecord } = await LoginThrottle.assertAllowed(normalized, ctx, {
      countAttempt: true,
    })

    const user = await User.findBy('email', normalized)
    const passwordOk = await hash.verify(user ? user.password : await decoyHash(), password)

    if (user && passwordOk && user.isActive) {
      /* the audit event is the login's record (and the admin page's "last login");
         the user row is written only when a failure count needs clearing */
      user.failedLoginCount = 0
      await Promise.all([
        failuresOnRecord ? LoginThrottle.recordSuccess(normalized) : null,
        user.$isDirty ? user.save() : null,
        AuditService.record({
          action: 'login.succeeded',
          actor: { type: 'user', id: user.id },
          subjectUserId: user.id,
        }),
      ])
      return { ok: true, user }
    }

    await LoginThrottle.recordFailure(normalized, ctx.request.ip())
    await this.recordFailure(user, passwordOk)
    return { ok: false }
  },

  /** Audits a failure and, for a wrong password on an active account, counts towards the lock. */
  async recordFailure(user: User | null, passwordOk: boolean) {
    const reason = !user ? 'unknown_email' : !passwordOk ? 'wrong_password' : `state_${user.state}`
    await AuditService.record({
      action: 'login.failed',
      actor: { type: 'anonymous' },
      subjectUserId: user?.id ?? null,
      meta: { reason },
    })
    if (!user || passwordOk || user.state !== 'active') return

    await User.query().where('id', user.id).increment('failed_login_count', 1)
    await user.refresh()
    if (user.failedLoginCount >= LOCK_AFTER_FAILURES) {
      await AccountStateService.lock(user, 'failed_logins', { type: 'system' }, null)
    }
  },
}
