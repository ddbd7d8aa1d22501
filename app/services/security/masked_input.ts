import { maskPans } from '#services/security/card_number_guard'

/**
 * Fields never masked: secrets are only hashed or compared, never stored or shown;
 * a signed link's signature is checked against the URL as sent.
 */
const UNTOUCHED = /password|^_csrf$|^altcha$|^signature$/i

/** The requests whose form input held a card number, with the fields it was in. */
const maskedByRequest = new WeakMap<object, string[]>()

/**
 * A form body with every card number in its text fields masked to first 6 +
 * last 4 (nested fields and lists too), and the names of the fields that held one.
 */
export function maskFormInput(body: Record<string, unknown>) {
  const fields: string[] = []
  const masked = maskValue(body, '', fields) as Record<string, unknown>
  return { body: masked, fields }
}

function maskValue(value: unknown, field: string, fields: string[]): unknown {
  if (typeof value === 'string') {
    if (UNTOUCHED.test(field)) return value
    const result = maskPans(value)
    if (result.masked) fields.push(field)
    return result.text
  }
  /* a JSON body may send a card number as a number */
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1e12) {
    const result = maskPans(String(value))
    if (!result.masked) return value
    fields.push(field)
    return result.text
  }
  if (Array.isArray(value)) return value.map((item) => maskValue(item, field, fields))
  if (value && typeof value === 'object') {
    const copy: Record<string, unknown> = {}
    for (const [key, inner] of Object.entries(value)) {
      copy[key] = maskValue(inner, field ? `${field}.${key}` : key, fields)
    }
    return copy
  }
  return value
}

/** Remembers that this request's input was masked (told to the writer once a session exists). */
export function rememberMasked(request: object, fields: string[]) {
  if (fields.length) maskedByRequest.set(request, fields)
}

/** The fields of this request's input that held a card number (empty when none did). */
export function maskedFields(request: object) {
  return maskedByRequest.get(request) ?? []
}
