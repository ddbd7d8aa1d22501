import vine, { SimpleMessagesProvider } from '@vinejs/vine'
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
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number)
  const second = m[6] ? Number(m[6]) : 0
  const millis = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0
  const offsetMinutes = m[8] ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11]))
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null
  if (Math.abs(offsetMinutes) > 14 * 60 || Number(m[11] ?? 0) > 59) return null
  const local = Date.UTC(year, month - 1, day, hour, minute, second, millis)
  if (new Date(local).getUTCDate() !== day) return null
  return local - offsetMinutes * 60_000
}
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'))
/** Masked PAN: digits, mask characters (*, X, •) and optional group spaces. */
const MASKED_PAN_SHAPE = /^[0-9*Xx• ]{12,23}$/
const MASK_CHARS = new Set(['*', 'X', 'x', '•'])

/** At most the first 6 and the last 4 digits visible, everything between masked. */
export function isSafelyMasked(value: string) {
  if (!MASKED_PAN_SHAPE.test(value)) return false
  const chars = [...value.replaceAll(' ', '')]
  if (chars.length < 12 || chars.length > 19) return false
  const middle = chars.slice(6, -4)
  return middle.length > 0 && middle.every((char) => MASK_CHARS.has(char))
}

/** The masked PAN in one spelling (`*` as the mask), for storage and display. */
export function normalizeMaskedPan(value: string) {
  return [...value.replaceAll(' ', '')].map((char) => (MASK_CHARS.has(char) ? '*' : char)).join('')
}

const occurredAt = vine.createRule((value, _options, field) => {
  if (typeof value !== 'string') return
  const parsed = parseIsoWithOffset(value)
  if (parsed === null) {
    field.report('The occurred_at field must be ISO 8601 with an offset', 'iso8601', field)
  } else if (parsed > Date.now() + 5 * 60_000) {
    field.report('The occurred_at field must not be in the future', 'future', field)
  } else {
    /* parsed once: the validated value is the instant in UTC, e.g. 2026-11-27T09:15:00.000Z */
    field.mutate(new Date(parsed).toISOString(), field)
  }
})

const isoCurrency = vine.createRule((value, _options, field) => {
  if (typeof value === 'string' && !CURRENCIES.has(value)) {
    field.report('The currency field must be an ISO 4217 code', 'currency', field)
  }
})

const maskedPan = vine.createRule((value, _options, field) => {
  if (typeof value === 'string' && !isSafelyMasked(value)) {
    field.report(
      'The pan_masked field may show at most the first 6 and last 4 digits; mask the rest with *, X or •',
      'masked',
      field
    )
  }
})

/** One transaction of a `POST /api/v1/transactions` batch; each item is validated on its own. */
export const ingestItemValidator = vine.create({
  reference: vine
    .string()
    .trim()
    .minLength(1)
    .maxLength(64)
    .regex(/^[\x21-\x7e]+$/),
  terminal_id: vine.string().regex(/^\d{8}$/),
  occurred_at: vine.string().use(occurredAt()),
  type: vine.enum(TRANSACTION_TYPES),
  status: vine.enum(TRANSACTION_STATUSES),
  amount_minor: vine.number({ strict: true }).withoutDecimals().range([1, 99_999_999]),
  currency: vine.string().fixedLength(3).use(isoCurrency()),
  card_brand: vine.enum(CARD_BRANDS),
  pan_masked: vine.string().use(maskedPan()).nullable().optional(),
  auth_code: vine
    .string()
    .trim()
    .maxLength(12)
    .regex(/^[A-Za-z0-9]*$/)
    .nullable()
    .optional(),
  receipt_number: vine
    .string()
    .trim()
    .maxLength(32)
    .regex(/^[\x20-\x7e]*$/)
    .nullable()
    .optional(),
})

ingestItemValidator.messagesProvider = new SimpleMessagesProvider({
  'required': 'The {{ field }} field is required',
  'string': 'The {{ field }} field must be a string',
  'number': 'The {{ field }} field must be a number',
  'withoutDecimals': 'The {{ field }} field must be an integer (minor units, e.g. cents)',
  'range': 'The {{ field }} field must be between {{ min }} and {{ max }}',
  'enum': 'The {{ field }} field must be one of: {{ choices }}',
  'minLength': 'The {{ field }} field must have at least {{ min }} characters',
  'maxLength': 'The {{ field }} field must have at most {{ max }} characters',
  'fixedLength': 'The {{ field }} field must have {{ size }} characters',
  'reference.regex': 'The reference field may only contain printable ASCII without spaces',
  'terminal_id.regex': 'The terminal_id field must be an 8-digit Terminal-ID',
  'auth_code.regex': 'The auth_code field may only contain letters and digits',
  'receipt_number.regex': 'The receipt_number field may only contain printable ASCII',
})

export type IngestItem = Awaited<ReturnType<typeof ingestItemValidator.validate>>
