import vine from '@vinejs/vine'
import type { Infer } from '@vinejs/vine/types'
import { CARD_BRANDS, TRANSACTION_STATUSES, TRANSACTION_TYPES } from '#models/transaction'

const isoDate = /^\d{4}-\d{2}-\d{2}$/
const amount = /^\d{1,9}([.,]\d{1,2})?$/
/* a keyset cursor: occurred_at as yyyyMMddHHmmss (UTC) and the id */
const cursor = /^\d{14}-\d{1,19}$/

/**
 * The transaction list's filters, all from the query string so a view can be
 * bookmarked. Empty inputs from the filter form count as "not set".
 */
export const transactionFilterValidator = vine.create({
  from: vine.string().trim().regex(isoDate).optional(),
  to: vine.string().trim().regex(isoDate).optional(),
  terminal: vine
    .string()
    .trim()
    .regex(/^\d{8}$/)
    .optional(),
  brand: vine.enum(CARD_BRANDS).optional(),
  type: vine.enum(TRANSACTION_TYPES).optional(),
  status: vine.enum(TRANSACTION_STATUSES).optional(),
  amount_min: vine.string().trim().regex(amount).optional(),
  amount_max: vine.string().trim().regex(amount).optional(),
  q: vine.string().trim().maxLength(32).optional(),
  after: vine.string().regex(cursor).optional(),
  before: vine.string().regex(cursor).optional(),
})

/** Drops empty strings so an untouched form field is "not set", not "invalid". */
export function withoutEmpty(qs: Record<string, unknown>) {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(qs)) {
    if (Array.isArray(value)) out[key] = value[value.length - 1]
    else if (value !== '' && value !== undefined && value !== null) out[key] = value
  }
  return out
}

export type FilterInputResult =
  { ok: true; input: Infer<typeof transactionFilterValidator> } | { ok: false; fields: string[] }

/** Validates the query string; on failure returns the names of the bad fields. */
export async function readFilterInput(qs: Record<string, unknown>): Promise<FilterInputResult> {
  const [error, input] = await transactionFilterValidator.tryValidate(withoutEmpty(qs))
  if (error) {
    const fields = (error.messages as { field: string }[]).map((m) => m.field)
    return { ok: false, fields: [...new Set(fields)] }
  }
  return { ok: true, input }
}

/**
 * The query string as plain strings (last value wins). Not `request.qs()`: its
 * parser splits "12,50" at the comma, and German amounts have one.
 */
export function plainQuery(request: { parsedUrl: { query: string | null } }) {
  return Object.fromEntries(new URLSearchParams(request.parsedUrl.query ?? ''))
}
