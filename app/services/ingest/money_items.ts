import vine, { errors } from '@vinejs/vine'
import { DateTime } from 'luxon'
import type { Infer } from '@vinejs/vine/types'
import { CARD_BRANDS } from '#models/transaction'
import { parseIsoWithOffset, type FieldError } from '#services/ingest/item_validator'
import { fieldsWithPan, jsonTextMayHoldPan } from '#services/ingest/pan_guard'

/*
| The items of `POST /api/v1/closings` and `POST /api/v1/payouts` (docs/ingest.md).
| A few per terminal and day, so VineJS (unlike the transactions' hand-written hot
| path); the answers have the same `{ field, rule, message }` shape.
*/

export const MAX_MONEY_ITEMS_PER_REQUEST = 200
const MAX_MINOR = 99_999_999_999
const count = () => vine.number().withoutDecimals().min(0).max(10_000_000)
const minor = () => vine.number().withoutDecimals().min(0).max(MAX_MINOR)
const tid = () =>
  vine
    .string()
    .trim()
    .regex(/^\d{8}$/)
const instant = () =>
  vine
    .string()
    .trim()
    .use(
      vine.createRule((value, _options, field) => {
        const parsed = typeof value === 'string' ? parseIsoWithOffset(value) : null
        if (parsed === null) {
          field.report('The {{ field }} field must be ISO 8601 with an offset', 'iso8601', field)
        } else if (parsed > Date.now() + 5 * 60_000) {
          field.report('The {{ field }} field must not be in the future', 'future', field)
        } else {
          field.mutate(new Date(parsed).toISOString(), field)
        }
      })()
    )

const closingSchema = vine.object({
  terminal_id: tid(),
  closing_number: vine.number().withoutDecimals().min(1).max(99_999_999),
  closed_at: instant(),
  automatic: vine.boolean({ strict: true }).optional(),
  totals: vine
    .array(
      vine.object({
        card_brand: vine.enum(CARD_BRANDS),
        sales_count: count(),
        sales_minor: minor(),
        refunds_count: count().optional(),
        refunds_minor: minor().optional(),
        reversals_count: count().optional(),
        reversals_minor: minor().optional(),
      })
    )
    .minLength(0)
    .maxLength(CARD_BRANDS.length)
    .distinct('card_brand'),
})

export const PAYOUT_STATUSES = ['expected', 'paid', 'returned'] as const
export const PAYOUT_KINDS = ['all', 'girocard', 'schemes'] as const
export const FEE_KINDS = ['disagio', 'transaction', 'scheme', 'service', 'other'] as const

const payoutSchema = vine.object({
  reference: vine
    .string()
    .trim()
    .minLength(1)
    .maxLength(64)
    .regex(/^[\x21-\x7e]+$/),
  customer_number: vine
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9-]{3,20}$/),
  value_date: vine
    .string()
    .trim()
    .use(
      vine.createRule((value, _options, field) => {
        const day = typeof value === 'string' ? DateTime.fromISO(value, { zone: 'utc' }) : null
        if (!/^\d{4}-\d{2}-\d{2}$/.test(String(value)) || !day?.isValid) {
          field.report('The {{ field }} field must be a date YYYY-MM-DD', 'date', field)
        }
      })()
    ),
  currency: vine.string().trim().fixedLength(3).in(['EUR']).optional(),
  kind: vine.enum(PAYOUT_KINDS).optional(),
  gross_minor: vine.number().withoutDecimals().min(-MAX_MINOR).max(MAX_MINOR),
  fees_minor: minor(),
  net_minor: vine.number().withoutDecimals().min(-MAX_MINOR).max(MAX_MINOR),
  iban_last4: vine
    .string()
    .trim()
    .regex(/^[0-9A-Z]{4}$/)
    .nullable()
    .optional(),
  status: vine.enum(PAYOUT_STATUSES),
  fees: vine
    .array(
      vine.object({
        card_brand: vine.enum(CARD_BRANDS).nullable().optional(),
        kind: vine.enum(FEE_KINDS),
        amount_minor: minor(),
      })
    )
    .maxLength(100)
    .optional(),
  closings: vine
    .array(
      vine.object({
        terminal_id: tid(),
        closing_number: vine.number().withoutDecimals().min(1).max(99_999_999),
      })
    )
    /* a closing named twice would count its gross twice */
    .distinct(['terminal_id', 'closing_number'])
    .maxLength(500)
    .optional(),
})

export type ClosingItem = Infer<typeof closingSchema>
export type PayoutItem = Infer<typeof payoutSchema>

const closingValidator = vine.create(closingSchema)
const payoutValidator = vine.create(payoutSchema)

type Validated<T> = { item: T; errors?: undefined } | { item?: undefined; errors: FieldError[] }

async function check<T>(
  validator: { validate(data: unknown): Promise<T> },
  raw: unknown,
  what: string
): Promise<Validated<T>> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return {
      errors: [{ message: `Each ${what} must be a JSON object`, rule: 'object', field: 'item' }],
    }
  }
  try {
    return { item: await validator.validate(raw) }
  } catch (error) {
    if (error instanceof errors.E_VALIDATION_ERROR) {
      return { errors: error.messages as FieldError[] }
    }
    throw error
  }
}

export function validateClosing(raw: unknown) {
  return check(closingValidator, raw, 'closing')
}

/** The payout's rules beyond single fields: net = gross − fees, fee lines add up to fees. */
export async function validatePayout(raw: unknown): Promise<Validated<PayoutItem>> {
  const result = await check(payoutValidator, raw, 'payout')
  if (!result.item) return result
  const item = result.item
  const errorsFound: FieldError[] = []
  if (item.gross_minor - item.fees_minor !== item.net_minor) {
    errorsFound.push({
      field: 'net_minor',
      rule: 'sum',
      message: `The net_minor field must equal gross_minor − fees_minor (${item.gross_minor - item.fees_minor})`,
    })
  }
  if (item.fees?.length) {
    const lines = item.fees.reduce((sum, fee) => sum + fee.amount_minor, 0)
    if (lines !== item.fees_minor) {
      errorsFound.push({
        field: 'fees',
        rule: 'sum',
        message: `The fee lines add up to ${lines}, not to fees_minor (${item.fees_minor})`,
      })
    }
  }
  return errorsFound.length ? { errors: errorsFound } : result
}

export const PAN_MESSAGE =
  'Contains a full card number (13–19 digits passing the Luhn check); the item was refused and nothing of it was stored.'

export type Rejected = {
  index: number
  status: 'rejected'
  reference?: string
  errors: FieldError[]
}

/**
 * The first pass over a closings or payouts batch: an item holding a full card
 * number anywhere is refused before anything else looks at it (and never echoed);
 * the others are validated. Returns the valid items with their index and the
 * rejections in a results array the caller fills further.
 */
export async function screenBatch<T>(
  items: unknown[],
  jsonText: string | null | undefined,
  validate: (raw: unknown) => Promise<Validated<T>>,
  echo: (raw: unknown) => string | undefined = () => undefined
) {
  const rejected: (Rejected | undefined)[] = new Array(items.length)
  const valid: { index: number; item: T }[] = []
  const textMayHoldPan = typeof jsonText === 'string' ? jsonTextMayHoldPan(jsonText) : true
  for (const [index, raw] of items.entries()) {
    const panFields = fieldsWithPan(raw, textMayHoldPan)
    if (panFields.length) {
      rejected[index] = {
        index,
        status: 'rejected',
        errors: panFields.map((field) => ({ message: PAN_MESSAGE, rule: 'card_number', field })),
      }
      continue
    }
    const result = await validate(raw)
    if (result.item !== undefined) {
      valid.push({ index, item: result.item })
    } else {
      const reference = echo(raw)
      rejected[index] = {
        index,
        status: 'rejected',
        ...(reference ? { reference } : {}),
        errors: result.errors ?? [],
      }
    }
  }
  return { rejected, valid }
}
