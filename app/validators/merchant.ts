import vine from '@vinejs/vine'
import type { Infer } from '@vinejs/vine/types'
import { formValidator } from '#validators/form_validator'
import { CARD_BRANDS, TRANSACTION_STATUSES, TRANSACTION_TYPES } from '#models/transaction'
import { parseDateInput } from '#services/format/dates'
import { DATE_PRESETS, toMinor } from '#services/merchant/transaction_filter'
import { TERMINAL_SORTS } from '#services/merchant/terminal_service'

/*
| Every input of the merchant area. The messages are `<lang file>.validation`
| in resources/lang/<locale>/ (transactions, invoices, merchant, terminals).
*/

const amount = /^\d{1,9}([.,]\d{1,2})?$/
/* a keyset cursor: occurred_at as yyyyMMddHHmmss (UTC) and the id */
const cursor = /^\d{14}-\d{1,19}$/

/* a named preset sets the period itself: the (hidden) date fields are then ignored */
const namedPreset = (data: Record<string, unknown>) =>
  typeof data.preset === 'string' && data.preset !== 'custom'

/**
 * A calendar date typed as TT.MM.JJJJ, DD/MM/YYYY or ISO, turned into ISO.
 * Malformed: `date`; a day that does not exist (31.02.2026): `date_impossible`.
 */
const calendarDate = vine.createRule((value, _options, field) => {
  if (typeof value !== 'string' || namedPreset(field.parent)) return
  const parsed = parseDateInput(value)
  if (!parsed.ok) {
    const rule = parsed.reason === 'impossible' ? 'date_impossible' : 'date'
    field.report(`The ${field.name} is not a valid date`, rule, field, { value })
    return
  }
  field.mutate(parsed.iso, field)
})

/** „Bis“ not before „Von“ (both as typed; only when they are used). */
const notBeforeFrom = vine.createRule((value, _options, field) => {
  const from = typeof field.parent.from === 'string' ? parseDateInput(field.parent.from) : null
  if (typeof value !== 'string' || !from?.ok || namedPreset(field.parent)) return
  if (value < from.iso) field.report('The end is before the start', 'date_order', field)
})

/** „Betrag bis“ not below „Betrag ab“. */
const notBelowMin = vine.createRule((value, _options, field) => {
  const min = field.parent.amount_min
  if (typeof value !== 'string' || typeof min !== 'string' || !amount.test(min.trim())) return
  if (toMinor(value) < toMinor(min.trim()))
    field.report('The maximum is below the minimum', 'amount_order', field)
})

const filterFields = {
  preset: vine.enum(DATE_PRESETS).optional(),
  from: vine.string().trim().use(calendarDate()).optional(),
  to: vine.string().trim().use(calendarDate()).use(notBeforeFrom()).optional(),
  terminal: vine
    .string()
    .trim()
    .regex(/^\d{8}$/)
    .optional(),
  brand: vine.array(vine.enum(CARD_BRANDS)).optional(),
  type: vine.array(vine.enum(TRANSACTION_TYPES)).optional(),
  status: vine.array(vine.enum(TRANSACTION_STATUSES)).optional(),
  amount_min: vine.string().trim().regex(amount).optional(),
  amount_max: vine.string().trim().regex(amount).use(notBelowMin()).optional(),
  q: vine.string().trim().maxLength(32).optional(),
  after: vine.string().regex(cursor).optional(),
  before: vine.string().regex(cursor).optional(),
}

/**
 * The transaction list's filters, all from the query string so a view can be
 * bookmarked (brand, type and status may repeat: see `filterQueryInput`).
 * Validated with `readFilter` (a refused filter is shown on the list itself
 * with 422, not redirected: the list is the filter form's page).
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
    /* rows for the list (their detail links keep its filter), not for the dashboard */
    keep: vine.boolean().optional(),
  })
)

/** A refused filter: the bad fields, and per field its first message (in the visitor's language). */
export type FilterErrors = { fields: string[]; messages: Record<string, string> }

export type FilterInputResult<Input> = { ok: true; input: Input } | ({ ok: false } & FilterErrors)

/**
 * Validates a query string (see `filterQueryInput`) with one of the filter
 * validators; on failure returns the bad fields and their messages. Empty
 * inputs of the filter form count as "not set", not "invalid".
 */
export async function readFilter<
  Validator extends typeof transactionFilterValidator | typeof liveRowsValidator,
>(
  validator: Validator,
  query: Record<string, string | string[]>
): Promise<FilterInputResult<Infer<Validator>>> {
  const data: Record<string, string | string[]> = {}
  for (const [key, value] of Object.entries(query)) {
    const kept = Array.isArray(value) ? value.filter((item) => item !== '') : value
    if (kept !== '' && kept.length) data[key] = kept
  }
  const [error, input] = await validator.tryValidate(data)
  if (error) {
    const messages: Record<string, string> = {}
    for (const item of error.messages as { field: string; message: string }[]) {
      /* a list's member (brand.1) is its list's error */
      const field = item.field.split('.')[0]
      messages[field] ??= item.message
    }
    return { ok: false, fields: Object.keys(messages), messages }
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
 * The header switch: a customer number or "all" from the select (checked
 * against the linked customers by the scope), or the text typed into the
 * type-ahead search (with more than 10 customers), and the page to go back to
 * (followed only when it is a same-site path).
 */
export const customerSwitchValidator = formValidator(
  'merchant.validation',
  vine.object({
    customer: vine.string().trim().maxLength(200).optional(),
    customer_search: vine.string().trim().maxLength(200).optional(),
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

/**
 * The terminal list's query string, so a search, sort and page can be
 * bookmarked: `q` (words searched in the TID, address and model), `sort`,
 * `dir` and `page` (50 a page). `customer` pins the scope (read by the scope).
 * Empty fields of the search form count as "not set".
 */
export const terminalListValidator = formValidator(
  'terminals.validation',
  vine.object({
    q: vine.string().trim().maxLength(100).optional(),
    sort: vine.enum(TERMINAL_SORTS).optional(),
    dir: vine.enum(['asc', 'desc'] as const).optional(),
    page: vine.number().withoutDecimals().min(1).max(100_000).optional(),
    customer: vine.string().trim().optional(),
  })
)

/* a closing list cursor: closed_at as yyyyMMddHHmmss (UTC) and the id */
const closingCursor = /^\d{14}-\d{1,19}$/
/* a payout list cursor: value date as yyyyMMdd and the id */
const payoutCursor = /^\d{8}-\d{1,19}$/

/**
 * „Kassenschnitte“: an optional terminal (TID of the scope, else the shared 404)
 * and a keyset cursor; `customer` pins the scope (read by the scope).
 */
export const closingListValidator = formValidator(
  'merchant.validation',
  vine.object({
    terminal: vine
      .string()
      .trim()
      .regex(/^\d{8}$/)
      .optional(),
    after: vine.string().regex(closingCursor).optional(),
    before: vine.string().regex(closingCursor).optional(),
    customer: vine.string().trim().optional(),
  })
)

/** A closing's detail: the page of its transactions. */
export const closingDetailValidator = formValidator(
  'merchant.validation',
  vine.object({
    page: vine.number().withoutDecimals().min(1).max(100_000).optional(),
    customer: vine.string().trim().optional(),
  })
)

/** „Auszahlungen“: a keyset cursor. */
export const payoutListValidator = formValidator(
  'merchant.validation',
  vine.object({
    after: vine.string().regex(payoutCursor).optional(),
    before: vine.string().regex(payoutCursor).optional(),
    customer: vine.string().trim().optional(),
  })
)
