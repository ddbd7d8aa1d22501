import { createHash, randomBytes } from 'node:crypto'
import { DateTime } from 'luxon'
import OneTimeToken, { type TokenPurpose } from '#models/one_time_token'
import type User from '#models/user'

/*
| Single-use tokens for mailed links: 256 random bits, only the SHA-256 is
| stored, consumed with one conditional UPDATE so a link works exactly once.
*/
const digest = (raw: string) => createHash('sha256').update(raw, 'utf8').digest('hex')
const wellFormed = (raw: unknown): raw is string =>
  typeof raw === 'string' && /^[A-Za-z0-9_-]{43}$/.test(raw)

/**
 * What a confirmation link is bound to: the stored password hash (salted, so it
 * differs for every registration) reduced to its SHA-256. A registration that
 * replaces a pending one changes it, and the earlier link no longer matches.
 */
export const credentialsFingerprint = (user: Pick<User, 'password'>) => digest(user.password)

export const TOKEN_LIFETIME_MINUTES: Record<TokenPurpose, number> = {
  verify_email: 24 * 60,
  password_reset: 60,
  email_change: 24 * 60,
}

export const OneTimeTokenService = {
  /** Issues a new token (older unused ones of the same purpose stop working); returns the raw value. */
  async issue(user: User, purpose: TokenPurpose, payload: string | null = null) {
    const raw = randomBytes(32).toString('base64url')
    await OneTimeToken.query()
      .where('user_id', user.id)
      .where('purpose', purpose)
      .whereNull('used_at')
      .update({ used_at: DateTime.now().toSQL({ includeOffset: false }) })
    await OneTimeToken.create({
      userId: user.id,
      purpose,
      tokenHash: digest(raw),
      payload,
      expiresAt: DateTime.now().plus({ minutes: TOKEN_LIFETIME_MINUTES[purpose] }),
    })
    return raw
  },

  /**
   * Cancels every pending link of the user with one of these purposes (all by
   * default): after a password reset or change, a lock or a disable, no link
   * mailed before it works any more. Returns how many were cancelled.
   */
  async revokeAll(
    user: User,
    purposes: TokenPurpose[] = ['verify_email', 'password_reset', 'email_change']
  ) {
    const updated = await OneTimeToken.query()
      .where('user_id', user.id)
      .whereIn('purpose', purposes)
      .whereNull('used_at')
      .update({ used_at: DateTime.now().toSQL({ includeOffset: false }) })
    return Array.isArray(updated) ? Number(updated[0]) : Number(updated)
  },

  /** The live (unused, unexpired) token for a raw value, without using it up. */
  async find(raw: unknown, purpose: TokenPurpose) {
    if (!wellFormed(raw)) return null
    return OneTimeToken.query()
      .where('token_hash', digest(raw))
      .where('purpose', purpose)
      .whereNull('used_at')
      .where('expires_at', '>', DateTime.now().toSQL({ includeOffset: false })!)
      .first()
  },

  /** Uses the token up; null when it is unknown, used, expired or lost a race. */
  async consume(raw: unknown, purpose: TokenPurpose) {
    const token = await this.find(raw, purpose)
    if (!token) return null
    const updated = await OneTimeToken.query()
      .where('id', token.id)
      .whereNull('used_at')
      .update({ used_at: DateTime.now().toSQL({ includeOffset: false }) })
    const count = Array.isArray(updated) ? Number(updated[0]) : Number(updated)
    return count === 1 ? token : null
  },
}
