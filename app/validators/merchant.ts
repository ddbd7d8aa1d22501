import vine from '@vinejs/vine'
import type { Infer } from '@vinejs/vine/types'
import { formValidator } from '#validators/form_validator'
import { CARD_BRANDS, TRANSACTION_STATUSES, TRANSACTION_TYPES } from '#models/transaction'

/*
| Every input of the merchant area. The messages are `<lang file>.validation`
| in resources/lang/<locale>/ (transactions, invoices, merchant).
*/

const isoDate = /^\d{4}-\d{2}-\d{2}$/
const amount = /^\d{1,9}([.,]\d{1,2})?$/
/* a keyset cursor: occurred_at as yyyyMMddHHmmss (UTC) and the id */
const cursor = /^\d{14}-\d{1,19}$/

const filterFields = {
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
}

/**
 * The transaction list's filters, all from the query string so a view can be
 * bookmarked. Validated with `readFilter` (a refused filter is shown on the
 * list itself with 422, not redirected: the list is the filter form's page).
 */
export const transactionFilterValidator = formValidator(
  'transactions.validation',
  vine.object(filterFields)
)

/** The live feed's fetch: the list's filters and the last transaction id the page shows. */
export const liveRowsValidator = formValidator(
  'transactions.validation',
  vine.object({
    ...filterFields,
    since: vine.number().withoutDecimals().min(0).max(Number.MAX_SAFE_INTEGER),
  })
)

export type FilterInputResult<Input> = { ok: true; input: Input } | { ok: false; fields: string[] }

/**
 * Validates a query string (see `plainQuery`) with one of the filter
 * validators; on failure returns the names of the bad fields. Empty inputs
 * of the filter form count as "not set", not "invalid".
 */
export async function readFilter<
  Validator extends typeof transactionFilterValidator | typeof liveRowsValidator,
>(
  validator: Validator,
  query: Record<string, string>
): Promise<FilterInputResult<Infer<Validator>>> {
  const data = Object.fromEntries(Object.entries(query).filter(([, value]) => value !== ''))
  const [error, input] = await validator.tryValidate(data)
  if (error) {
    const fields = (error.messages as { field: string }[]).map((message) => message.field)
    return { ok: false, fields: [...new Set(fields)] }
  }
  return { ok: true, input: input as Infer<Validator> }
}

/** The invoice archive's year filter; „Alle Jahre“ sends an empty year. */
export const invoiceArchiveValidator = formValidator(
  'invoices.validation',
  vine.object({
    year: vine
      .string()
      .trim()
      .regex(/^(\d{4})?$/)
      .transform((value) => (value ? Number(value) : undefined))
      .optional(),
  })
)

/**
 * The header switch: a customer number or "all" (checked against the linked
 * customers by the scope), and the page to go back to (followed only when it
 * is a same-site path).
 */
export const customerSwitchValidator = formValidator(
  'merchant.validation',
  vine.object({
    customer: vine.string().trim().optional(),
    back: vine.string().optional(),
  })
)

/** A numeric id in the path (the route's pattern allows digits only). */
export const idParamsValidator = formValidator(
  'merchant.validation',
  vine.object({ id: vine.number().withoutDecimals().min(0) })
)

/** A TID in the path; an unknown or foreign one gets the shared 404 from the scope. */
export const terminalParamsValidator = formValidator(
  'merchant.validation',
  vine.object({ tid: vine.string().trim() })
)
