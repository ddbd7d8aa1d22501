import { DateTime } from 'luxon'
import type StaffUser from '#models/staff_user'
import { AuditService } from '#services/audit/audit_service'
import { TotpService } from '#services/admin/totp_service'

/** TOTP enrolment at a staff member's first login. */
export const StaffEnrolmentService = {
  /**
   * Confirms the pending secret with a code from the app; on success stores the
   * secret encrypted and returns the ten recovery codes (shown once), else null.
   */
  async confirm(staff: StaffUser, pendingSecret: string, code: string) {
    if (staff.totpEnabledAt) return null
    if (!(await TotpService.verifyCode(pendingSecret, code))) return null
    const codes = TotpService.newRecoveryCodes()
    staff.totpSecret = TotpService.encryptSecret(pendingSecret)
    staff.totpEnabledAt = DateTime.now()
    staff.recoveryCodes = codes.stored
    await staff.save()
    await AuditService.record({
      action: 'staff.totp.enrolled',
      actor: { type: 'staff', id: staff.id },
    })
    return codes.plain
  },
}
