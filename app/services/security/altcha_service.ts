import { createHash } from 'node:crypto'
import { appKey } from '#config/app'
import { altchaCost, queuePrefix } from '#config/portal'
import redis from '@adonisjs/redis/services/main'
import { createChallenge, randomInt, verifySolution, type Challenge } from 'altcha-lib'
import { deriveKey } from 'altcha-lib/algorithms/sha'

/*
| The „echter Nutzer“ check: a self-hosted ALTCHA proof of work, no third party.
| Challenges are HMAC-signed with a key derived from APP_KEY, expire after 10
| minutes, and each solved challenge is accepted once (replays are refused).
*/
const ALGORITHM = 'SHA-256'
const TTL_MS = 10 * 60 * 1000
const secret = createHash('sha256').update(`altcha:${appKey.release()}`).digest('hex')
const replayKey = (signature: string) => `${queuePrefix}:altcha:used:${signature}`

export type CaptchaResult = 'ok' | 'missing' | 'invalid' | 'replayed'

export const AltchaService = {
  /** A fresh signed challenge for the widget. */
  async challenge(): Promise<Challenge> {
    const cost = altchaCost
    return createChallenge({
      algorithm: ALGORITHM,
      cost: 1,
      counter: randomInt(Math.floor(cost / 2), cost),
      deriveKey,
      hmacSignatureSecret: secret,
      expiresAt: new Date(Date.now() + TTL_MS),
    })
  },

  /** Verifies the widget's base64 payload and burns it, so it works once. */
  async verify(payload: unknown): Promise<CaptchaResult> {
    if (typeof payload !== 'string' || payload.length === 0 || payload.length > 8192)
      return 'missing'
    let parsed: { challenge?: Challenge; solution?: any }
    try {
      parsed = JSON.parse(Buffer.from(payload, 'base64').toString('utf8'))
    } catch {
      return 'invalid'
    }
    if (!parsed?.challenge?.signature || !parsed.solution) return 'invalid'
    try {
      const result = await verifySolution({
        challenge: parsed.challenge,
        solution: parsed.solution,
        deriveKey,
        hmacSignatureSecret: secret,
      })
      if (!result.verified) return 'invalid'
    } catch {
      return 'invalid'
    }
    const expiresAt = Number(parsed.challenge.parameters?.expiresAt ?? 0)
    const ttlMs = Math.max(1000, (expiresAt > 1e12 ? expiresAt : expiresAt * 1000) - Date.now())
    const fresh = await redis.set(replayKey(parsed.challenge.signature), '1', 'PX', ttlMs, 'NX')
    return fresh === 'OK' ? 'ok' : 'replayed'
  },
}
