/*
| The ingest API's use of the card-number guard: finds full card numbers (PANs)
| anywhere in an item, so the item can be refused before anything is stored or
| logged. What counts as a PAN is decided in one place for all text
| (`#services/security/card_number_guard`); see docs/adr/0401-ingest-api.md and
| docs/adr/1401-card-numbers-in-all-text.md.
*/
import { containsPan, hasThirteenDigitRun } from '#services/security/card_number_guard'

/** A JSON number written with an exponent (`4.1e15`): not all of its digits are in the text. */
const EXPONENT_NUMBER = /[:[,]\s*-?\d+(?:\.\d+)?[eE]/

/**
 * False when a JSON text cannot decode to anything `containsPan` would find: it
 * has no run of 13 digits (with separators, `\/` and `\t` counting as ones), no
 * `\u` escape (which could spell digits or separators, and stays one when a
 * decoded string holds `\\u`) and no number with an exponent. Every other escape
 * decodes to a character that ends a digit run, so a run in a decoded string or
 * key, or in a number's digits, is a run in the text. One linear scan of a
 * 1,000-item batch then replaces a scan of each of its strings.
 */
export function jsonTextMayHoldPan(text: string) {
  return hasThirteenDigitRun(text, true) || text.includes('\\u') || EXPONENT_NUMBER.test(text)
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
