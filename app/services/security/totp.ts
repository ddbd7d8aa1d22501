import { createHash, randomBytes } from 'node:crypto'
import encryption from '@adonisjs/core/services/encryption'
import redis from '@adonisjs/redis/services/main'
import QRCode from 'qrcode'
import { generateSecret, generateURI, verify } from 'otplib'
import type { LucidModel } from '@adonisjs/lucid/types/model'
import { queuePrefix } from '#config/portal'

/*
| TOTP two-factor (RFC 6238: SHA-1, 6 digits, 30 s), shared by the staff login
| (TotpService) and the merchants' (TwoFactorService). The secret is stored
| encrypted with APP_KEY; a code is accepted once (the used time step is burnt in
| Redis), one step of clock drift either way is tolerated. Recovery codes are
| stored as a JSON list of SHA-256 hashes and used up one by one.
*/
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

/** A row with the three TOTP columns (staff_users, users). */
export type TotpAccount = {
  id: number
  totpSecret: string | null
  recoveryCodes: string | null
}

export const Totp = {
  /** A new random base32 secret (160 bits). */
  newSecret() {
    return generateSecret()
  },

  encryptSecret(secret: string) {
    return encryption.encrypt(secret)
  },

  /** The account's plain secret, or null when not enrolled. */
  secretOf(account: Pick<TotpAccount, 'totpSecret'>): string | null {
    if (!account.totpSecret) return null
    return encryption.decrypt<string>(account.totpSecret) ?? null
  },

  /** The otpauth:// URI and a QR code of it as a data: URL (CSP allows img-src data:). */
  async enrolment(issuer: string, label: string, secret: string) {
    const uri = generateURI({ issuer, label, secret })
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

  /** Uses up a recovery code of `account` (a row of `model`); true when it matched an unused one. */
  async consumeRecoveryCode(model: LucidModel, account: TotpAccount, code: string) {
    const normalized = normalizeRecoveryCode(code)
    if (normalized.length !== 10 || !account.recoveryCodes) return false
    const hashes: string[] = JSON.parse(account.recoveryCodes)
    const wanted = sha256(normalized)
    if (!hashes.includes(wanted)) return false
    /* conditional update: two parallel requests cannot both use the same code */
    const remaining = JSON.stringify(hashes.filter((entry) => entry !== wanted))
    const updated = await model
      .query()
      .where('id', account.id)
      .where('recovery_codes', account.recoveryCodes)
      .update({ recovery_codes: remaining })
    const rows = Array.isArray(updated) ? Number(updated[0]) : Number(updated)
    if (rows !== 1) return false
    account.recoveryCodes = remaining
    return true
  },

  /** How many recovery codes are left. */
  remainingRecoveryCodes(account: Pick<TotpAccount, 'recoveryCodes'>) {
    return account.recoveryCodes ? (JSON.parse(account.recoveryCodes) as string[]).length : 0
  },

  /**
   * A TOTP code (digits) or a recovery code (anything else): which one matched,
   * or null. A recovery code is used up.
   */
  async checkEither(model: LucidModel, account: TotpAccount, code: string) {
    const secret = this.secretOf(account)
    const trimmed = code.trim()
    if (secret && /^\d[\d\s]*$/.test(trimmed)) {
      return (await this.verifyCode(secret, trimmed)) ? ('totp' as const) : null
    }
    return (await this.consumeRecoveryCode(model, account, trimmed))
      ? ('recovery_code' as const)
      : null
  },
}
