import { DateTime } from 'luxon'
import User from '#models/user'
import { AuditService } from '#services/audit/audit_service'
import hash from '@adonisjs/core/services/hash'
import { LoginService } from '#services/account/login_service'
import { LoginThrottle, type Client } from '#services/account/login_throttle'
import { Totp } from '#services/security/totp'

/* the name the authenticator app shows next to the merchant's e-mail */
const ISSUER = 'Kundenportal'

/*
| Optional TOTP for merchants, switched on and off on the account page (the
| login's code step: LoginService.checkSecondFactor). Stored like the staff's:
| the secret encrypted, ten recovery codes hashed (`#services/security/totp`).
*/
export const TwoFactorService = {
  /** A new secret for an enrolment (kept by the caller until confirmed). */
  newSecret() {
    return Totp.newSecret()
  },

  /** The otpauth:// URI, its QR code (data: URL) and the secret grouped for typing. */
  async enrolment(user: User, secret: string) {
    return Totp.enrolment(ISSUER, user.email, secret)
  },

  /**
   * Confirms the secret with a code from the app: stores it and returns the ten
   * recovery codes (to show once), or null when the code is wrong or TOTP is on already.
   */
  async enable(user: User, secret: string, code: string) {
    if (user.totpEnabledAt) return null
    if (!(await Totp.verifyCode(secret, code))) return null
    const codes = Totp.newRecoveryCodes()
    user.totpSecret = Totp.encryptSecret(secret)
    user.totpEnabledAt = DateTime.now()
    user.recoveryCodes = codes.stored
    await user.save()
    await AuditService.record({
      action: 'account.two_factor.enabled',
      actor: { type: 'user', id: user.id },
      subjectUserId: user.id,
    })
    return codes.plain
  },

  /**
   * Turns TOTP off with the current password and a code (TOTP or recovery code).
   * Both wrong answers count toward the lockout like failed logins.
   */
  async disable(
    user: User,
    password: string,
    code: string,
    client: Client
  ): Promise<'done' | 'wrong_current' | 'wrong_code' | 'not_enabled'> {
    if (!user.totpEnabledAt) return 'not_enabled'
    const { failuresOnRecord } = await LoginThrottle.assertAllowed(user.email, client)
    if (!(await hash.verify(user.password, password))) {
      await LoginService.recordWrongCurrentPassword(user, client.ip)
      return 'wrong_current'
    }
    /* the count restarts only when both are right: the password alone does not
       reopen the budget for guessing codes */
    if (!(await Totp.checkEither(User, user, code))) {
      await LoginService.recordWrongSecondFactor(user, client)
      return 'wrong_code'
    }
    await LoginService.recordRightCurrentPassword(user, failuresOnRecord)
    user.totpSecret = null
    user.totpEnabledAt = null
    user.recoveryCodes = null
    await user.save()
    await AuditService.record({
      action: 'account.two_factor.disabled',
      actor: { type: 'user', id: user.id },
      subjectUserId: user.id,
    })
    return 'done'
  },

  /** How many unused recovery codes the merchant has. */
  recoveryCodesLeft(user: User) {
    return Totp.remainingRecoveryCodes(user)
  },
}
