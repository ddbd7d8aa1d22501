import { DateTime } from 'luxon'
import StaffUser from '#models/staff_user'
import { AuditService } from '#services/audit/audit_service'
import { LoginSequence, type LoginCtx, type LoginDoor } from '#services/account/login_sequence'
import type { Client } from '#services/account/login_throttle'
import { SessionRegistry } from '#services/account/session_registry'
import { StaffThrottle } from '#services/admin/staff_throttle'
import { StaffEnrolmentService } from '#services/admin/staff_enrolment_service'
import { TotpService } from '#services/admin/totp_service'

export const normalizeStaffEmail = (email: string) => email.trim().toLowerCase()

/** The staff side of the login sequence (guard `admin`, staff_users table). */
const staffDoor: LoginDoor<StaffUser> = {
  guard: 'admin',
  model: StaffUser,
  throttle: StaffThrottle,
  countAttempts: false,
  normalizeEmail: normalizeStaffEmail,
  find: (email) => StaffUser.findBy('email', email),
  mayLogIn: (staff) => staff.state === 'active',
  sessionTag: SessionRegistry.staffTag,
  refusal: (staff, passwordOk) => (passwordOk ? `state_${staff?.state}` : 'password'),

  /* the counters are cleared only once the second factor is passed too (completeLogin) */
  async passed(staff) {
    await AuditService.record({
      action: 'staff.login.password_ok',
      actor: { type: 'staff', id: staff.id },
    })
  },

  async auditFailure(staff, reason) {
    await AuditService.record({
      action: 'staff.login.failed',
      actor: { type: 'anonymous' },
      meta: { reason, staffId: staff?.id ?? null },
    })
  },

  async lock(staff) {
    staff.state = 'locked'
    staff.lockedAt = DateTime.now()
    await staff.save()
    await AuditService.record({
      action: 'staff.locked',
      actor: { type: 'system' },
      meta: { staffId: staff.id, reason: 'failed_logins' },
    })
  },
}

/*
| The two steps of a staff login. Step one (e-mail + password) is the shared
| login sequence and answers every failure alike; step two (TOTP or a recovery
| code) counts its failures towards the same lockout, so the second factor
| cannot be guessed either.
*/
export const StaffLoginService = {
  /** Step one: logs the staff member in with the second factor still outstanding; null when refused. */
  async logIn(ctx: LoginCtx, email: string, password: string) {
    return LoginSequence.logIn(ctx, staffDoor, email, password)
  },

  /** Step two: a current TOTP code or an unused recovery code. */
  async checkSecondFactor(staff: StaffUser, code: string, client: Client) {
    await StaffThrottle.assertAllowed(staff.email, client)
    const secret = TotpService.secretOf(staff)
    const trimmed = code.trim()
    let method: 'totp' | 'recovery_code' | null = null
    if (secret && /^\d[\d\s]*$/.test(trimmed)) {
      if (await TotpService.verifyCode(secret, trimmed)) method = 'totp'
    } else if (await TotpService.consumeRecoveryCode(staff, trimmed)) {
      method = 'recovery_code'
    }
    if (!method) {
      await LoginSequence.recordFailure(staffDoor, staff.email, staff, 'second_factor', client.ip)
      return null
    }
    await this.completeLogin(staff, method)
    return method
  },

  /**
   * Step two at the first login: confirms the pending TOTP secret with a code.
   * Returns the recovery codes (shown once), or null, counted as a failure.
   */
  async confirmEnrolment(staff: StaffUser, pendingSecret: string, code: string, client: Client) {
    const codes = await StaffEnrolmentService.confirm(staff, pendingSecret, code)
    if (!codes) {
      await LoginSequence.recordFailure(staffDoor, staff.email, staff, 'enrolment_code', client.ip)
      return null
    }
    await this.completeLogin(staff, 'totp_enrolment')
    return codes
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
}
