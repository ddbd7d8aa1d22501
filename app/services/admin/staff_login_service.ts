import { randomBytes } from 'node:crypto'
import { DateTime } from 'luxon'
import hash from '@adonisjs/core/services/hash'
import type { HttpContext } from '@adonisjs/core/http'
import StaffUser from '#models/staff_user'
import { AuditService } from '#services/audit/audit_service'
import { StaffThrottle } from '#services/admin/staff_throttle'
import { TotpService } from '#services/admin/totp_service'

/** Consecutive failures (password or second factor) that lock a staff account. */
export const STAFF_LOCK_AFTER_FAILURES = 10

let dummyHash: Promise<string> | undefined
const decoyHash = () => (dummyHash ??= hash.make(randomBytes(24).toString('base64')))

type LoginCtx = Pick<HttpContext, 'request' | 'i18n'>

export const normalizeStaffEmail = (email: string) => email.trim().toLowerCase()

/*
| The two steps of a staff login. Step one (e-mail + password) answers every
| failure alike; step two (TOTP or a recovery code) counts its failures towards
| the same lockout, so the second factor cannot be guessed either.
*/
export const StaffLoginService = {
  /** Step one. Unknown e-mail, wrong password, locked or disabled all give `null`. */
  async checkPassword(email: string, password: string, ctx: LoginCtx) {
    const normalized = normalizeStaffEmail(email)
    await StaffThrottle.assertAllowed(normalized, ctx)
    const staff = await StaffUser.findBy('email', normalized)
    const passwordOk = await hash.verify(staff ? staff.password : await decoyHash(), password)
    if (staff && passwordOk && staff.state === 'active') {
      await AuditService.record({
        action: 'staff.login.password_ok',
        actor: { type: 'staff', id: staff.id },
      })
      return staff
    }
    await this.recordFailure(
      normalized,
      staff,
      passwordOk ? `state_${staff?.state}` : 'password',
      ctx
    )
    return null
  },

  /** Step two: a current TOTP code or an unused recovery code. */
  async checkSecondFactor(staff: StaffUser, code: string, ctx: LoginCtx) {
    await StaffThrottle.assertAllowed(staff.email, ctx)
    const secret = TotpService.secretOf(staff)
    const trimmed = code.trim()
    let method: 'totp' | 'recovery_code' | null = null
    if (secret && /^\d[\d\s]*$/.test(trimmed)) {
      if (await TotpService.verifyCode(secret, trimmed)) method = 'totp'
    } else if (await TotpService.consumeRecoveryCode(staff, trimmed)) {
      method = 'recovery_code'
    }
    if (!method) {
      await this.recordFailure(staff.email, staff, 'second_factor', ctx)
      return null
    }
    await this.completeLogin(staff, method)
    return method
  },

  /** Marks a fully completed login: clears the counters, audits. */
  async completeLogin(staff: StaffUser, method: string) {
    await StaffThrottle.recordSuccess(staff.email)
    staff.failedLoginCount = 0
    staff.lastLoginAt = DateTime.now()
    await staff.save()
    await AuditService.record({
      action: 'staff.login.succeeded',
      actor: { type: 'staff', id: staff.id },
      meta: { method },
    })
  },

  /** Audits a failure; on an active account it counts towards the lock. */
  async recordFailure(email: string, staff: StaffUser | null, reason: string, ctx: LoginCtx) {
    await StaffThrottle.recordFailure(email, ctx.request.ip())
    await AuditService.record({
      action: 'staff.login.failed',
      actor: { type: 'anonymous' },
      meta: { reason, staffId: staff?.id ?? null },
    })
    if (!staff || staff.state !== 'active') return
    await StaffUser.query().where('id', staff.id).increment('failed_login_count', 1)
    await staff.refresh()
    if (staff.failedLoginCount >= STAFF_LOCK_AFTER_FAILURES) {
      staff.state = 'locked'
      staff.lockedAt = DateTime.now()
      await staff.save()
      await AuditService.record({
        action: 'staff.locked',
        actor: { type: 'system' },
        meta: { staffId: staff.id, reason: 'failed_logins' },
      })
    }
  },
}
