import { TERMINAL_STATUSES } from '#models/terminal'
import { maskPans } from '#services/security/card_number_guard'

/*
| Field rules of the master-data import. Each returns the normalized value, or a
| `Problem` carrying the reason that is printed as `line N: <reason>`.
*/
export class Problem {
  constructor(readonly reason: string) {}
}

export type Checked<T> = T | Problem

export type TerminalStatus = (typeof TERMINAL_STATUSES)[number]

const STATUS_SYNONYMS: Record<string, TerminalStatus> = {
  'active': 'active',
  'aktiv': 'active',
  'inactive': 'inactive',
  'inaktiv': 'inactive',
  'blocked': 'blocked',
  'gesperrt': 'blocked',
  'decommissioned': 'decommissioned',
  'stillgelegt': 'decommissioned',
  'außer betrieb': 'decommissioned',
  'ausser betrieb': 'decommissioned',
  'abgebaut': 'decommissioned',
}

/** Trimmed, upper case, inner spaces removed; 3–20 of [A-Z0-9-]. */
export function customerNumber(raw: string): Checked<string> {
  const value = raw.replace(/\s+/g, '').toUpperCase()
  if (value === '') return new Problem('customer_number is empty')
  if (!/^[A-Z0-9-]{3,20}$/.test(value)) {
    return new Problem(`customer_number "${clip(raw)}" must be 3–20 letters, digits or dashes`)
  }
  if (joinsCardNumber(value)) return new Problem(CARD_NUMBER('customer_number'))
  return value
}

/**
 * Whether a value whose blanks or dashes were removed now reads as a card number:
 * the guard masked the raw field, but more blanks than it reads as one number's
 * separators (`4111    1111    1111    1111`) hide one until they are gone.
 */
const joinsCardNumber = (value: string) => maskPans(value).masked
const CARD_NUMBER = (column: string) => `${column} looks like a card number: not stored`

/** Exactly 8 digits (leading zeros matter, so it stays a string). */
export function terminalId(raw: string): Checked<string> {
  const value = raw.trim()
  if (!/^\d{8}$/.test(value)) {
    return new Problem(`terminal_id "${clip(raw)}" must be exactly 8 digits`)
  }
  return value
}

/** A required text field, trimmed, at most `max` characters. */
export function text(raw: string, column: string, max: number, required = true): Checked<string> {
  const value = raw.trim()
  if (required && value === '') return new Problem(`${column} is empty`)
  if (value.length > max) return new Problem(`${column} is longer than ${max} characters`)
  return value
}

/** Optional e-mail address: empty becomes null. */
export function email(raw: string): Checked<string | null> {
  const value = raw.trim()
  if (value === '') return null
  if (value.length > 254 || !/^[^\s@"<>(),;:]+@[^\s@"<>(),;:]+\.[A-Za-z]{2,}$/.test(value)) {
    return new Problem(`email "${clip(raw)}" is not a valid e-mail address`)
  }
  return value
}

/** Optional phone number: digits, spaces and + ( ) / - . only. */
export function phone(raw: string): Checked<string | null> {
  const value = raw.trim()
  if (value === '') return null
  if (value.length > 40 || !/^\+?[0-9 ()/.-]{3,}$/.test(value)) {
    return new Problem(`phone "${clip(raw)}" is not a phone number`)
  }
  return value
}

/** ISO 3166 alpha-2, upper case; empty means DE (the operator's home market). */
export function country(raw: string): Checked<string> {
  const value = raw.trim().toUpperCase()
  if (value === '') return 'DE'
  if (!/^[A-Z]{2}$/.test(value)) return new Problem(`country "${clip(raw)}" must be 2 letters`)
  return value
}

/** Loose VAT ID check: 2-letter prefix + 2–13 characters; German ones are DE + 9 digits. */
export function vatId(raw: string): Checked<string | null> {
  const value = raw.replace(/[\s.-]+/g, '').toUpperCase()
  if (value === '') return null
  const valid = value.startsWith('DE')
    ? /^DE\d{9}$/.test(value)
    : /^[A-Z]{2}[A-Z0-9+*]{2,13}$/.test(value)
  if (valid && joinsCardNumber(value)) return new Problem(CARD_NUMBER('vat_id'))
  return valid ? value : new Problem(`vat_id "${clip(raw)}" is not a VAT ID`)
}

/** Optional IBAN: stored without spaces, checked by length (where known) and mod 97. */
export function iban(raw: string): Checked<string | null> {
  const value = raw.replace(/\s+/g, '').toUpperCase()
  if (value === '') return null
  const length = IBAN_LENGTHS[value.slice(0, 2)]
  const shapeOk = /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(value)
  /* account data stays out of logs: name the IBAN by its last 4 characters only */
  const hint = value.length > 8 ? `iban ending in ${value.slice(-4)}` : 'iban'
  if (!shapeOk || (length !== undefined && value.length !== length)) {
    return new Problem(`${hint} has the wrong format`)
  }
  if (mod97(value.slice(4) + value.slice(0, 4)) !== 1) {
    return new Problem(`${hint} has a wrong check digit`)
  }
  return value
}

/** YYYY-MM-DD or DD.MM.YYYY (a real calendar day) → YYYY-MM-DD; empty becomes null. */
export function date(raw: string, column: string): Checked<string | null> {
  const value = raw.trim()
  if (value === '') return null
  const match =
    /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) ?? /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(value)
  if (match) {
    const [year, month, day] = value.includes('-')
      ? [match[1], match[2], match[3]]
      : [match[3], match[2], match[1]]
    const y = Number(year)
    const m = Number(month)
    const d = Number(day)
    const probe = new Date(Date.UTC(y, m - 1, d))
    if (y >= 1900 && y <= 2100 && probe.getUTCMonth() === m - 1 && probe.getUTCDate() === d) {
      return `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`
    }
  }
  return new Problem(`${column} "${clip(raw)}" is not a date (YYYY-MM-DD or DD.MM.YYYY)`)
}

/** `29.90`, `29,90`, `29`, `1.234,50` or `1,234.50` (euros) → integer cents. */
export function moneyMinor(raw: string, column: string): Checked<number> {
  const value = raw.trim().replace(/\s*(€|EUR)$/i, '')
  /* thousands separators only with decimals: "29.999" could be either notation */
  const match =
    /^(\d+)(?:[.,](\d{1,2}))?$/.exec(value) ??
    /^(\d{1,3}(?:\.\d{3})+),(\d{1,2})$/.exec(value) ??
    /^(\d{1,3}(?:,\d{3})+)\.(\d{1,2})$/.exec(value)
  if (!match) return new Problem(`${column} "${clip(raw)}" is not an amount like 29.90 or 29,90`)
  const euros = Number(match[1].replace(/[.,]/g, ''))
  const cents = Number((match[2] ?? '0').padEnd(2, '0'))
  const minor = euros * 100 + cents
  if (minor > 2_000_000_000) return new Problem(`${column} "${clip(raw)}" is too large`)
  return minor
}

/** One of active|inactive|blocked|decommissioned, German synonyms accepted. */
export function terminalStatus(raw: string): Checked<TerminalStatus> {
  const status = STATUS_SYNONYMS[raw.trim().toLowerCase().replace(/\s+/g, ' ')]
  return (
    status ?? new Problem(`status "${clip(raw)}" must be one of ${TERMINAL_STATUSES.join(', ')}`)
  )
}

/**
 * The acquirer's rhythm for card-scheme payouts: daily or weekly (German täglich /
 * wöchentlich accepted); empty means weekly.
 */
export function settlementRhythm(raw: string): Checked<'daily' | 'weekly'> {
  const value = raw.trim().toLowerCase()
  if (value === '' || value === 'weekly' || value === 'wöchentlich') return 'weekly'
  if (value === 'daily' || value === 'täglich') return 'daily'
  return new Problem(`settlement_rhythm "${clip(raw)}" must be daily or weekly`)
}

/** The customer's invoice language: `de` (default, also empty) or `en`. */
export function language(raw: string): Checked<'de' | 'en'> {
  const value = raw.trim().toLowerCase()
  if (value === '' || value === 'de' || value === 'deutsch' || value === 'german') return 'de'
  if (value === 'en' || value === 'englisch' || value === 'english') return 'en'
  return new Problem(`language "${clip(raw)}" must be de or en`)
}

function mod97(digits: string) {
  let rest = 0
  for (const char of digits) {
    const code = char.charCodeAt(0)
    const value = code >= 65 ? String(code - 55) : char
    for (const digit of value) rest = (rest * 10 + Number(digit)) % 97
  }
  return rest
}

/** Values echoed into error messages stay short. */
function clip(raw: string) {
  const value = raw.trim()
  return value.length > 40 ? `${value.slice(0, 40)}…` : value
}

/* SEPA countries; other prefixes only get the generic shape and checksum test. */
const IBAN_LENGTHS: Record<string, number> = Object.fromEntries(
  'AD24 AT20 BE16 BG22 CH21 CY28 CZ24 DE22 DK18 EE20 ES24 FI18 FR27 GB22 GI23 GR27 HR21 HU28 IE22 IS26 IT27 LI21 LT20 LU20 LV21 MC27 MT31 NL18 NO15 PL28 PT25 RO24 SE24 SI19 SK24 SM27 VA22'
    .split(' ')
    .map((entry) => [entry.slice(0, 2), Number(entry.slice(2))])
)
