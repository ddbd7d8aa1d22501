import { createHash, randomBytes } from 'node:crypto'
import { DateTime } from 'luxon'
import ApiToken from '#models/api_token'

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex')

/** Tokens for the processing host. The plain token is shown once; only its hash is kept. */
export const ApiTokenService = {
  async issue(name: string) {
    const plain = `kp_${randomBytes(32).toString('base64url')}`
    await ApiToken.create({ name, tokenHash: sha256(plain) })
    return plain
  },

  /** Revokes every active token with that name; returns how many. */
  async revoke(name: string) {
    const affected = await ApiToken.query()
      .where('name', name)
      .whereNull('revoked_at')
      .update({ revoked_at: DateTime.utc().toSQL({ includeOffset: false }) })
    return Array.isArray(affected) ? Number(affected[0] ?? 0) : Number(affected)
  },

  async verify(plain: string) {
    const token = await ApiToken.query()
      .where('token_hash', sha256(plain))
      .whereNull('revoked_at')
      .first()
    if (token && (!token.lastUsedAt || token.lastUsedAt < DateTime.utc().minus({ minutes: 1 }))) {
      token.lastUsedAt = DateTime.utc()
      await token.save()
    }
    return token
  },
}
