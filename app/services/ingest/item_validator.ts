import { CARD_BRANDS, TRANSACTION_STATUSES, TRANSACTION_TYPES } from '#models/transaction'

/** ISO 8601 date and time with an explicit offset (Z or ±hh:mm). */
const ISO_WITH_OFFSET =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):?(\d{2}))$/

/**
 * Epoch milliseconds of an ISO 8601 date-time with offset, or null when it is
 * not one or names an impossible date. (Luxon would do, at 10× the cost per item.)
 */
export function parseIsoWithOffset(value: string): number | null {
  const m = ISO_WITH_OFFSET.exec(value)
  if (!m) return null
  const year = +m[1]
  const month = +m[2]
  const day = +m[3]
  const hour = +m[4]
  const minute = +m[5]
  const second = m[6] ? +m[6] : 0
  const millis = m[7] ? +m[7].slice(0, 3).padEnd(3, '0') : 0
  const offsetMinuteField = m[11] ? +m[11] : 0
  const offsetMinutes = m[8] ? 0 : (m[9] === '-' ? -1 : 1) * (+m[10] * 60 + offsetMinuteField)
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null
  if (Math.abs(offsetMinutes) > 14 * 60 || offsetMinuteField > 59) return null
  const local = Date.UTC(year, month - 1, day, hour, minute, second, millis)
  if (new Date(local).getUTCDate() !== day) return null
  return local - offsetMinutes * 60_000
}
/** Masked PAN: digits, mask characters (*, X, •) and optional group spaces. */
const MASKED_PAN_SHAPE = /^[0-9*Xx• ]{12,23}$/
const MASK_CHARS = new Set(['*', 'X', 'x', '•'])

/** At most the first 6 and the last 4 digits visible, everything between masked. */
export function isSafelyMasked(value: string) {
  if (!MASKED_PAN_SHAPE.test(value)) return false
  const compact = value.includes(' ') ? value.replaceAll(' ', '') : value
  if (compact.length < 12 || compact.length > 19) return false
  for (let i = 6; i < compact.length - 4; i++) {
    if (!MASK_CHARS.has(compact[i])) return false
  }
  return true
}

/** The masked PAN in one spelling (`*` as the mask), for storage and display. */
export function normalizeMaskedPan(value: string) {
  const compact = value.includes(' ') ? value.replaceAll(' ', '') : value
  return compact.replace(/[Xx•]/g, '*')
}

export type IngestItem = {
  reference: string
  terminal_id: string
  /** the instant in UTC, e.g. 2026-11-27T09:15:00.000Z */
  occurred_at: string
  type: (typeof TRANSACTION_TYPES)[number]
  status: (typeof TRANSACTION_STATUSES)[number]
  amount_minor: number
  currency: string
  card_brand: (typeof CARD_BRANDS)[number]
  pan_masked?: string | null
  auth_code?: string | null
  receipt_number?: string | null
}

/** As VineJS reports it, in the same key order: message, rule, field, meta. */
export type FieldError = {
  message: string
  rule: string
  field: string
  meta?: Record<string, unknown>
}

export type ItemValidation =
  { item: IngestItem; errors?: undefined } | { item?: undefined; errors: FieldError[] }

const MAX_AMOUNT_MINOR = 99_999_999
const REFERENCE_CHARS = /^[\x21-\x7e]+$/
const TERMINAL_ID = /^\d{8}$/
const AUTH_CODE_CHARS = /^[A-Za-z0-9]*$/
const RECEIPT_CHARS = /^[\x20-\x7e]*$/

/** Reports the first failed rule per field, in the order the fields are checked. */
class Report {
  errors: FieldError[] = []
  add(field: string, rule: string, message: string, meta?: Record<string, unknown>) {
    this.errors.push(meta ? { message, rule, field, meta } : { message, rule, field })
  }
  /** A required string: reports and returns undefined when missing or not a string. */
  string(item: Record<string, unknown>, field: string, optional = false): string | undefined {
    const value = item[field]
    if (value === undefined || value === null) {
      if (!optional) this.add(field, 'required', `The ${field} field is required`)
      return undefined
    }
    if (typeof value !== 'string') {
      this.add(field, 'string', `The ${field} field must be a string`)
      return undefined
    }
    return value
  }
  /** Trimmed text with a maximum length and an allowed character set. */
  text(field: string, value: string, max: number, chars: RegExp, charsMessage: string) {
    if (value.length > max) {
      this.add(field, 'maxLength', `The ${field} field must have at most ${max} characters`, {
        max,
      })
    } else if (!chars.test(value)) {
      this.add(field, 'regex', charsMessage)
    } else {
      return true
    }
    return false
  }
  /** One of `choices`; any other value, a non-string too, fails the rule `enum`. */
  choice<T extends string>(item: Record<string, unknown>, field: string, choices: readonly T[]) {
    const value = item[field]
    if (value === undefined || value === null) {
      this.add(field, 'required', `The ${field} field is required`)
      return undefined
    }
    if ((choices as readonly unknown[]).includes(value)) return value as T
    this.add(field, 'enum', `The ${field} field must be one of: ${choices.join(',')}`, {
      choices,
    })
    return undefined
  }
}

/**
 * Validates one item of a `POST /api/v1/transactions` batch on its own: every
 * field's first failed rule as `{ field, rule, message }`, or the item with the
 * strings trimmed, `occurred_at` in UTC and unknown fields dropped. Hand-written
 * rather than VineJS: it runs for each of up to 1,000 items per request and is
 * the hot path of the ingest (see docs/api.md, "Benchmark"); the rules are the
 * ones docs/api.md lists, tested in tests/unit/ingest/item_validator.spec.ts.
 */
export function validateIngestItem(raw: unknown, now = Date.now()): ItemValidation {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return {
      errors: [
        { message: 'Each transaction must be a JSON object', rule: 'object', field: 'item' },
      ],
    }
  }
  const input = raw as Record<string, unknown>
  const report = new Report()

  let reference = report.string(input, 'reference')
  if (reference !== undefined) {
    reference = reference.trim()
    if (reference.length === 0) {
      report.add('reference', 'minLength', 'The reference field must have at least 1 characters', {
        min: 1,
      })
    } else {
      report.text(
        'reference',
        reference,
        64,
        REFERENCE_CHARS,
        'The reference field may only contain printable ASCII without spaces'
      )
    }
  }

  const terminalId = report.string(input, 'terminal_id')
  if (terminalId !== undefined && !TERMINAL_ID.test(terminalId)) {
    report.add('terminal_id', 'regex', 'The terminal_id field must be an 8-digit Terminal-ID')
  }

  let occurredAt = report.string(input, 'occurred_at')
  if (occurredAt !== undefined) {
    const parsed = parseIsoWithOffset(occurredAt)
    if (parsed === null) {
      report.add('occurred_at', 'iso8601', 'The occurred_at field must be ISO 8601 with an offset')
    } else if (parsed > now + 5 * 60_000) {
      report.add('occurred_at', 'future', 'The occurred_at field must not be in the future')
    } else {
      occurredAt = new Date(parsed).toISOString()
    }
  }

  const type = report.choice(input, 'type', TRANSACTION_TYPES)
  const status = report.choice(input, 'status', TRANSACTION_STATUSES)

  const amount = input.amount_minor
  if (amount === undefined || amount === null) {
    report.add('amount_minor', 'required', 'The amount_minor field is required')
  } else if (typeof amount !== 'number' || !Number.isFinite(amount)) {
    report.add('amount_minor', 'number', 'The amount_minor field must be a number')
  } else if (!Number.isInteger(amount)) {
    report.add(
      'amount_minor',
      'withoutDecimals',
      'The amount_minor field must be an integer (minor units, e.g. cents)'
    )
  } else if (amount < 1 || amount > MAX_AMOUNT_MINOR) {
    report.add(
      'amount_minor',
      'range',
      `The amount_minor field must be between 1 and ${MAX_AMOUNT_MINOR}`,
      { min: 1, max: MAX_AMOUNT_MINOR }
    )
  }

  const currency = report.string(input, 'currency')
  if (currency !== undefined) {
    if (currency.length !== 3) {
      report.add('currency', 'fixedLength', 'The currency field must have 3 characters', {
        size: 3,
      })
    } else if (currency !== 'EUR') {
      /* the money flow (closings, payouts, invoices) is in euros: no sum may mix currencies */
      report.add('currency', 'currency', 'The currency field must be EUR')
    }
  }

  const cardBrand = report.choice(input, 'card_brand', CARD_BRANDS)

  const panMasked = report.string(input, 'pan_masked', true)
  if (panMasked !== undefined && !isSafelyMasked(panMasked)) {
    report.add(
      'pan_masked',
      'masked',
      'The pan_masked field may show at most the first 6 and last 4 digits; mask the rest with *, X or •'
    )
  }

  let authCode = report.string(input, 'auth_code', true)
  if (authCode !== undefined) {
    authCode = authCode.trim()
    report.text(
      'auth_code',
      authCode,
      12,
      AUTH_CODE_CHARS,
      'The auth_code field may only contain letters and digits'
    )
  }

  let receipt = report.string(input, 'receipt_number', true)
  if (receipt !== undefined) {
    receipt = receipt.trim()
    report.text(
      'receipt_number',
      receipt,
      32,
      RECEIPT_CHARS,
      'The receipt_number field may only contain printable ASCII'
    )
  }

  if (report.errors.length) return { errors: report.errors }
  return {
    item: {
      reference: reference!,
      terminal_id: terminalId!,
      occurred_at: occurredAt!,
      type: type!,
      status: status!,
      amount_minor: amount as number,
      currency: currency!,
      card_brand: cardBrand!,
      /* absent stays absent, null stays null */
      pan_masked: panMasked ?? (input.pan_masked === null ? null : undefined),
      auth_code: authCode ?? (input.auth_code === null ? null : undefined),
      receipt_number: receipt ?? (input.receipt_number === null ? null : undefined),
    },
  }
}
