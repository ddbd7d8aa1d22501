import User from '#models/user'
import { AuditService } from '#services/audit/audit_service'
import { AccountStateService } from '#services/account/account_state_service'
import { LoginThrottle } from '#services/account/login_throttle'
import { LoginSequence, type LoginCtx, type LoginDoor } from '#services/account/login_sequence'
import { SessionRegistry } from '#services/account/session_registry'

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

  async passed(user, { email, failuresOnRecord }) {
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
   * account's or the IP's failure budget is used up.
   */
  async logIn(ctx: LoginCtx, email: string, password: string) {
    return LoginSequence.logIn(ctx, merchantDoor, email, password)
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
