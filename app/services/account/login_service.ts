import User from '#models/user'
import { AuditService } from '#services/audit/audit_service'
import { AccountStateService } from '#services/account/account_state_service'
import { LoginThrottle } from '#services/account/login_throttle'
import { LoginSequence, type LoginCtx, type LoginDoor } from '#services/account/login_sequence'
import { SessionRegistry } from '#services/account/session_registry'
import type { Client } from '#services/account/login_throttle'
import { Totp } from '#services/security/totp'

/* The session of a merchant who passed the password step and owes the TOTP code. */
const PENDING_KEY = 'account_2fa_pending'
/** How long the code step waits after the password step. */
export const PENDING_LOGIN_TTL_MS = 10 * 60_000
type PendingLogin = { userId: number; since: number; redirect: string }

/** The merchants' side of the login sequence (guard `web`, users table). */
const merchantDoor: LoginDoor<User> = {
  guard: 'web',
  model: User,
  throttle: LoginThrottle,
  countAttempts: true,
  normalizeEmail: (email) => User.normalizeEmail(email),
  find: (email) => User.findBy('email', email),
  mayLogIn: (user) => user.isActive,
  sessionTag: SessionRegistry.userTag,
  refusal: (user, passwordOk) =>
    !user ? 'unknown_email' : !passwordOk ? 'wrong_password' : `state_${user.state}`,

  async passed(user, { email, failuresOnRecord, method }) {
    /* the audit event is the login's record (and the admin page's "last login");
       the user row is written only when a failure count needs clearing */
    user.failedLoginCount = 0
    await Promise.all([
      failuresOnRecord ? LoginThrottle.recordSuccess(email) : null,
      user.$isDirty ? user.save() : null,
      AuditService.record({
        action: 'login.succeeded',
        actor: { type: 'user', id: user.id },
        subjectUserId: user.id,
        ...(method ? { meta: { method } } : {}),
      }),
    ])
  },

  async auditFailure(user, reason) {
    await AuditService.record({
      action: 'login.failed',
      actor: { type: 'anonymous' },
      subjectUserId: user?.id ?? null,
      meta: { reason },
    })
  },

  async lock(user) {
    await AccountStateService.lock(user, 'failed_logins', { type: 'system' }, null)
  },
}

export const LoginService = {
  /**
   * „Anmelden“: checks e-mail and password and logs the merchant in (renewed,
   * tagged session). Unknown e-mail, wrong password, locked, disabled and not
   * yet activated all give `null` after the same work. Throws a 429 when the
   * account's or the IP's failure budget is used up. A merchant with TOTP is not
   * logged in yet: the (renewed) session holds a pending login for the code step
   * (`secondFactor: true`), and the failure counters stay until that step passes.
   */
  async logIn(ctx: LoginCtx, email: string, password: string, redirect = '/') {
    const checked = await LoginSequence.checkPassword(ctx, merchantDoor, email, password)
    if (!checked) return null
    const user = checked.account
    if (user.totpEnabledAt) {
      /* about the work of a login (an audit row, a renewed session) so the answer
         takes as long with TOTP as without */
      await AuditService.record({
        action: 'login.password_ok',
        actor: { type: 'user', id: user.id },
        subjectUserId: user.id,
      })
      ctx.session.regenerate()
      const pending: PendingLogin = { userId: user.id, since: Date.now(), redirect }
      ctx.session.put(PENDING_KEY, pending)
      return { user, secondFactor: true }
    }
    await LoginSequence.complete(ctx, merchantDoor, user, checked)
    return { user, secondFactor: false }
  },

  /** The merchant whose login waits for the code step in this session, or null. */
  async pendingLogin(session: LoginCtx['session']) {
    const pending = session.get(PENDING_KEY) as PendingLogin | undefined
    if (!pending || typeof pending.userId !== 'number') return null
    if (Date.now() - Number(pending.since) > PENDING_LOGIN_TTL_MS) {
      session.forget(PENDING_KEY)
      return null
    }
    const user = await User.find(pending.userId)
    if (!user || !user.isActive || !user.totpEnabledAt) {
      session.forget(PENDING_KEY)
      return null
    }
    return { user, redirect: pending.redirect }
  },

  /**
   * Login, step two: a current TOTP code or an unused recovery code (used up).
   * A wrong code counts like a failed login (budgets, lock after 10). Answers
   * `ended` when there is no pending login (any more: expired, locked).
   */
  async checkSecondFactor(ctx: LoginCtx, code: string) {
    const pending = await this.pendingLogin(ctx.session)
    if (!pending) return { result: 'ended' as const }
    const { user, redirect } = pending
    const ip = ctx.request.ip()
    const { failuresOnRecord } = await LoginThrottle.assertAllowed(user.email, {
      ip,
      i18n: ctx.i18n,
    })
    const method = await Totp.checkEither(User, user, code)
    if (!method) {
      await LoginSequence.recordFailure(merchantDoor, user.email, user, 'second_factor', ip)
      if (!user.isActive) {
        ctx.session.forget(PENDING_KEY)
        return { result: 'ended' as const }
      }
      return { result: 'wrong' as const }
    }
    ctx.session.forget(PENDING_KEY)
    await LoginSequence.complete(ctx, merchantDoor, user, {
      email: user.email,
      failuresOnRecord: failuresOnRecord || user.failedLoginCount > 0,
      method,
    })
    return {
      result: 'passed' as const,
      user,
      method,
      redirect,
      recoveryCodesLeft: Totp.remainingRecoveryCodes(user),
    }
  },

  /** A wrong code on the account page (turning TOTP off): counts like a failed login. */
  async recordWrongSecondFactor(user: User, client: Client) {
    const door: LoginDoor<User> = {
      ...merchantDoor,
      async auditFailure() {
        await AuditService.record({
          action: 'account.two_factor.code_wrong',
          actor: { type: 'user', id: user.id },
          subjectUserId: user.id,
        })
      },
    }
    await LoginSequence.recordFailure(door, user.email, user, 'second_factor', client.ip)
  },

  /**
   * A wrong current password on the account page: counts like a failed login
   * (budgets and the lock after 10 consecutive failures), audited as what it is.
   */
  async recordWrongCurrentPassword(user: User, ip: string) {
    const door: LoginDoor<User> = {
      ...merchantDoor,
      async auditFailure() {
        await AuditService.record({
          action: 'account.current_password_wrong',
          actor: { type: 'user', id: user.id },
          subjectUserId: user.id,
        })
      },
    }
    await LoginSequence.recordFailure(door, user.email, user, 'wrong_current_password', ip)
  },

  /** A right current password on the account page restarts the count, as a login does. */
  async recordRightCurrentPassword(user: User, failuresOnRecord: boolean) {
    if (failuresOnRecord) await LoginThrottle.recordSuccess(user.email)
    if (user.failedLoginCount === 0) return
    user.failedLoginCount = 0
    await user.save()
  },
}
