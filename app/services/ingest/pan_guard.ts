/*
| Finds full card numbers (PANs) anywhere in an ingest item, so the item can be
| refused before anything is stored or logged. A PAN is 13–19 digits that pass
| the Luhn check; it may be written in groups with spaces, dashes or dots
| between them ("4111 1111 1111 1111"). See docs/adr/0401-pan-guard.md.
*/

/** Digit groups and the separators between them, e.g. "4111 1111-1111". */
const DIGIT_GROUPS = /\d+(?:[ \-.]{1,3}\d+)*/g
const SEPARATORS = /[ \-.]{1,3}/
const THIRTEEN_DIGITS = /\d(?:[ \-.]{0,3}\d){12}/

/** The Luhn checksum over a string of digits. */
export function passesLuhn(digits: string) {
  let sum = 0
  let double = false
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48
    if (double) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
    double = !double
  }
  return sum % 10 === 0
}

/**
 * True when the text holds a 13–19 digit run that passes Luhn: a plain run of
 * digits, or consecutive digit groups joined by single separators.
 */
export function containsPan(text: string) {
  /* fast native pre-check: 13 digits with at most 3 separators between each */
  if (text.length < 13 || !THIRTEEN_DIGITS.test(text)) return false
  for (const match of text.matchAll(DIGIT_GROUPS)) {
    const groups = match[0].split(SEPARATORS)
    for (let start = 0; start < groups.length; start++) {
      let digits = ''
      for (let end = start; end < groups.length; end++) {
        digits += groups[end]
        if (digits.length > 19) break
        if (digits.length >= 13 && passesLuhn(digits)) return true
      }
    }
  }
  return false
}

/** A JSON number written with an exponent (`4.1e15`): not all of its digits are in the text. */
const EXPONENT_NUMBER = /[:[,]\s*-?\d+(?:\.\d+)?[eE]/

/**
 * False when a JSON text cannot decode to anything `containsPan` would find: it
 * has no run of 13 digits (with separators), no `\u` escape (which could spell
 * digits or spaces) and no number with an exponent. Every other escape decodes
 * to a character that is neither a digit nor a separator, so a run in a decoded
 * string or key, or in a number's digits, is a run in the text. One native scan
 * of a 1,000-item batch then replaces a scan of each of its strings.
 */
export function jsonTextMayHoldPan(text: string) {
  return hasThirteenDigitRun(text) || text.includes('\\u') || EXPONENT_NUMBER.test(text)
}

/**
 * `THIRTEEN_DIGITS.test(text)` as one linear pass (the regex backtracks at every
 * digit, which on a 200 KB batch costs more than the rest of the scan).
 */
export function hasThirteenDigitRun(text: string) {
  let digits = 0
  let separators = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code >= 48 && code <= 57) {
      if (++digits >= 13) return true
      separators = 0
    } else if (code === 32 || code === 45 || code === 46) {
      /* space, dash, dot: up to 3 of them may join two digits */
      if (digits > 0 && ++separators > 3) digits = 0
    } else {
      digits = 0
    }
  }
  return false
}

/**
 * Where in an item a PAN hides: the top-level field names whose value (or key,
 * at any depth) contains one. Numbers count too; integers beyond 2^53 have lost
 * digits already and are treated as a possible PAN. `textMayHoldPan: false`
 * (from `jsonTextMayHoldPan` over the request body) skips the string scans;
 * nested values are still walked (a structure nested too deep is refused).
 */
export function fieldsWithPan(item: unknown, textMayHoldPan = true): string[] {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    return textMayHoldPan && holdsPan(item) ? ['item'] : []
  }
  const fields: string[] = []
  for (const key in item) {
    if (!Object.hasOwn(item, key)) continue
    const value = (item as Record<string, unknown>)[key]
    if (!textMayHoldPan && (value === null || typeof value !== 'object')) continue
    if (containsPan(key) || holdsPan(value)) fields.push(safeFieldName(key))
  }
  return fields
}

function holdsPan(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return containsPan(value)
  if (typeof value === 'number') {
    return (Number.isInteger(value) && !Number.isSafeInteger(value)) || containsPan(String(value))
  }
  if (typeof value === 'bigint') return containsPan(value.toString())
  if (value === null || typeof value !== 'object') return false
  /* deeper than any valid item: refuse rather than walk an attacker's structure */
  if (depth > 8) return true
  for (const [key, inner] of Object.entries(value)) {
    if (containsPan(key) || holdsPan(inner, depth + 1)) return true
  }
  return false
}

/** A field name is echoed in the answer; one that itself holds a PAN is not. */
function safeFieldName(key: string) {
  return containsPan(key) ? '(field name)' : key.slice(0, 64)
}
