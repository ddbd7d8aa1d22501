import { createHmac } from 'node:crypto'

export const DEMO_MERCHANT_EMAIL = 'demo@kundenportal.test'
export const DEMO_SUPPORT_EMAIL = 'support@kundenportal.test'

const ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'

/**
 * The demo passwords: derived from this installation's APP_KEY, so they are
 * strong, differ per machine, and can be printed again on every start without
 * storing them anywhere in plain text.
 */
export function demoPasswords(appKey: string) {
  return {
    merchant: derive(appKey, 'demo-merchant'),
    support: derive(appKey, 'demo-support'),
  }
}

/* four groups of five, e.g. "kQ7pz-..."; ~110 bits from the HMAC */
function derive(appKey: string, purpose: string) {
  const bytes = createHmac('sha256', appKey).update(purpose).digest()
  const chars = [...bytes.subarray(0, 20)].map((byte) => ALPHABET[byte % ALPHABET.length])
  return [0, 5, 10, 15].map((start) => chars.slice(start, start + 5).join('')).join('-')
}
