import { DateTime } from 'luxon'
import mail from '@adonisjs/mail/services/main'
import User from '#models/user'
import PasswordResetMail from '#mails/password_reset_mail'
import PasswordChangedMail from '#mails/password_changed_mail'
import { budgets } from '#services/security/rate_limits'
import { AltchaService } from '#services/security/altcha_service'
import { withTimingFloor } from '#services/account/even_timing'
import { AuditService } from '#services/audit/audit_service'
import { SessionRegistry } from '#services/account/session_registry'
import { LiveRevocation } from '#services/ingest/live_revocation'
import { AccountStateService } from '#services/account/account_state_service'
import { normalizeCustomerNumber } from '#services/account/customer_proof'
import { LoginThrottle } from '#services/account/login_throttle'
import { OneTimeTokenService } from '#services/account/one_time_token_service'
import { PasswordPolicy, type PasswordProblem } from '#services/account/password_policy'

/** The answer takes at least this long, whether a mail went out or not. */
const FORGOT_FLOOR_MS = 300

/** States that may reset: a `by_support` lock stays, but the password may still be renewed. */
const RESETTABLE = new Set(['active', 'locked'])

/*
| „Passwort vergessen“: the answer is always the same; a mail goes out only
| when e-mail and Kundennummer belong together, at most 3 an hour per account
| (a flood stops the mails, it never locks the account).
*/
export const PasswordResetService = {
  /**
   * „Passwort vergessen“ after the real-user check: mails a reset link when
   * e-mail and customer number belong together, silently does nothing otherwise,
   * and takes as long either way.
   */
  async request(
    email: string,
    customerNumber: string,
    captcha: unknown
  ): Promise<'done' | 'captcha_missing' | 'captcha_invalid'> {
    const check = await AltchaService.verify(captcha)
    if (check === 'missing') return 'captcha_missing'
    if (check !== 'ok') return 'captcha_invalid'
    await withTimingFloor(FORGOT_FLOOR_MS, () => this.mailLink(email, customerNumber))
    return 'done'
  },

  /** Mails a reset link when e-mail and customer number belong together; silent otherwise. */
  async mailLink(email: string, customerNumber: string) {
    const user = await User.query()
      .where('email', User.normalizeEmail(email))
      .whereHas('customers', (query) =>
        query.where('customer_number', normalizeCustomerNumber(customerNumber))
      )
      .first()
    if (!user || !RESETTABLE.has(user.state)) return

    const allowed = await budgets.resetPerEmail().attempt(`reset:${user.id}`, () => true)
    if (!allowed) return
    const token = await OneTimeTokenService.issue(user, 'password_reset')
    await mail.sendLater(new PasswordResetMail(user.email, user.locale, token))
    await AuditService.record({
      action: 'password.reset_requested',
      actor: { type: 'anonymous' },
      subjectUserId: user.id,
    })
  },

  /** The user a live reset link belongs to (the link is not used up). */
  async userForToken(rawToken: unknown) {
    const token = await OneTimeTokenService.find(rawToken, 'password_reset')
    return token ? User.find(token.userId) : null
  },

  /** Sets the new password from a reset link. */
  async reset(rawToken: unknown, password: string): Promise<'done' | 'invalid' | PasswordProblem> {
    const user = await this.userForToken(rawToken)
    if (!user || !RESETTABLE.has(user.state)) return 'invalid'
    const customers = await user.related('customers').query().select('customer_number')
    const problem = PasswordPolicy.check(password, {
      email: user.email,
      customerNumbers: customers.map((c) => c.customerNumber),
    })
    if (problem) return problem
    if (!(await OneTimeTokenService.consume(rawToken, 'password_reset'))) return 'invalid'

    await this.setPassword(user, password)
    /* every other link mailed before (e-mail change, further reset links) dies with it */
    await OneTimeTokenService.revokeAll(user)
    if (user.state === 'locked' && user.lockReason === 'failed_logins') {
      await AccountStateService.unlock(user, { type: 'user', id: user.id })
    }
    /* the owner proved the address: failed attempts before the reset no longer count */
    await LoginThrottle.recordSuccess(user.email)
    await SessionRegistry.endUserSessions(user)
    await LiveRevocation.userAccessEnded(user.id)
    await mail.sendLater(new PasswordChangedMail(user.email, user.locale))
    await AuditService.record({
      action: 'password.reset_done',
      actor: { type: 'user', id: user.id },
      subjectUserId: user.id,
    })
    return 'done'
  },

  /** Writes a new password (hashed by the model) and restarts the failure count. */
  async setPassword(user: User, password: string) {
    user.password = password
    user.passwordChangedAt = DateTime.now()
    user.failedLoginCount = 0
    await user.save()
  },
}
