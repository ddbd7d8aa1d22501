import StaffUser from '#models/staff_user'
import { Totp } from '#services/security/totp'

/*
| TOTP two-factor for staff: the shared TOTP building block
| (`#services/security/totp`) with the staff issuer and table.
*/
const ISSUER = 'Kundenportal Admin'

export const TotpService = {
  /** A new random base32 secret (160 bits). */
  newSecret: () => Totp.newSecret(),

  encryptSecret: (secret: string) => Totp.encryptSecret(secret),

  /** The staff member's plain secret, or null when not enrolled. */
  secretOf: (staff: StaffUser) => Totp.secretOf(staff),

  /** The otpauth:// URI and a QR code of it as a data: URL (CSP allows img-src data:). */
  enrolment: (staff: StaffUser, secret: string) => Totp.enrolment(ISSUER, staff.email, secret),

  /** Checks a 6-digit code against the secret and burns its time step (no replay). */
  verifyCode: (secret: string, code: string) => Totp.verifyCode(secret, code),

  /** Ten new recovery codes: the plain ones (shown once) and their hashes (stored). */
  newRecoveryCodes: () => Totp.newRecoveryCodes(),

  /** Uses up a recovery code; true when it matched one that was still unused. */
  consumeRecoveryCode: (staff: StaffUser, code: string) =>
    Totp.consumeRecoveryCode(StaffUser, staff, code),

  /** How many recovery codes are left. */
  remainingRecoveryCodes: (staff: StaffUser) => Totp.remainingRecoveryCodes(staff),
}
