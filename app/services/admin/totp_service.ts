import { createHash, randomBytes } from 'node:crypto'
import encryption from '@adonisjs/core/services/encryption'
import redis from '@adonisjs/redis/services/main'
import QRCode from 'qrcode'
import { generateSecret, generateURI, verify } from 'otplib'
import { queuePrefix } from '#config/portal'
import StaffUser from '#models/staff_user'

/*
| TOTP two-factor for staff (RFC 6238: SHA-1, 6 digits, 30 s). The secret is
| stored encrypted with APP_KEY; a code is accepted once (the used time step is
| burnt in Redis), one step of clock drift either way is tolerated.
*/
const ISSUER = 'Kundenportal Admin'
const RECOVERY_CODE_COUNT = 10
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex')
const usedStepKey = (secret: string, step: number) =>
  `${queuePrefix}:totp:used:${sha256(secret).slice(0, 24)}:${step}`

/** Recovery codes are compared case- and separator-insensitively. */
const normalizeRecoveryCode = (code: string) => code.toLowerCase().replace(/[^a-z0-9]/g, '')

function randomRecoveryCode() {
  const bytes = randomBytes(10)
  let code = ''
  for (const byte of bytes) code += RECOVERY_ALPHABET[byte % RECOVERY_ALPHABET.length]
  return `${code.slice(0, 5)}-${code.slice(5)}`
}

export const TotpService = {
  /** A new random base32 secret (160 bits). */
  newSecret() {
    return generateSecret()
  },

  encryptSecret(secret: string) {
    return encryption.encrypt(secret)
  },

  /** The staff member's plain secret, or null when not enrolled. */
  secretOf(staff: StaffUser): string | null {
    if (!staff.totpSecret) return null
    return encryption.decrypt<string>(staff.totpSecret) ?? null
  },

  /** The otpauth:// URI and a QR code of it as a data: URL (CSP allows img-src data:). */
  async enrolment(staff: StaffUser, secret: string) {
    const uri = generateURI({ issuer: ISSUER, label: staff.email, secret })
    const qrDataUrl = await QRCode.toDataURL(uri, {
      errorCorrectionLevel: 'M',
      margin: 2,
      width: 240,
    })
    const grouped = secret.match(/.{1,4}/g)?.join(' ') ?? secret
    return { uri, qrDataUrl, grouped }
  },

  /** Checks a 6-digit code against the secret and burns its time step (no replay). */
  async verifyCode(secret: string, code: string) {
    const token = code.replace(/\s+/g, '')
    if (!/^\d{6}$/.test(token)) return false
    const result = await verify({ secret, token, epochTolerance: 30 })
    if (!result.valid) return false
    const step = 'timeStep' in result ? Number(result.timeStep) : Math.floor(Date.now() / 30_000)
    const fresh = await redis.set(usedStepKey(secret, step), '1', 'EX', 120, 'NX')
    return fresh === 'OK'
  },

  /** Ten new recovery codes: the plain ones (shown once) and their hashes (stored). */
  newRecoveryCodes() {
    const plain = Array.from({ length: RECOVERY_CODE_COUNT }, randomRecoveryCode)
    const hashed = plain.map((code) => sha256(normalizeRecoveryCode(code)))
    return { plain, stored: JSON.stringify(hashed) }
  },

  /** Uses up a recovery code; true when it matched one that was still unused. */
  async consumeRecoveryCode(staff: StaffUser, code: string) {
    const normalized = normalizeRecoveryCode(code)
    if (normalized.length !== 10 || !staff.recoveryCodes) return false
    const hashes: string[] = JSON.parse(staff.recoveryCodes)
    const wanted = sha256(normalized)
    if (!hashes.includes(wanted)) return false
    /* conditional update: two parallel requests cannot both use the same code */
    const remaining = JSON.stringify(hashes.filter((entry) => entry !== wanted))
    const updated = await StaffUser.query()
      .where('id', staff.id)
      .where('recovery_codes', staff.recoveryCodes)
      .update({ recovery_codes: remaining })
    const rows = Array.isArray(updated) ? Number(updated[0]) : Number(updated)
    if (rows !== 1) return false
    staff.recoveryCodes = remaining
    return true
  },

  /** How many recovery codes are left. */
  remainingRecoveryCodes(staff: StaffUser) {
    return staff.recoveryCodes ? (JSON.parse(staff.recoveryCodes) as string[]).length : 0
  },
}
