import vine from '@vinejs/vine'
import { formValidator } from '#validators/form_validator'
import { CHANGE_KINDS, CHANGE_STATUSES } from '#models/change_request'
import { TERMINAL_ORDER_ITEMS } from '#services/changes/change_fields'
import { iban as checkIban, Problem } from '#services/import/normalizers'

/*
| Every input of change requests. Messages: `changes.validation` in resources/lang.
*/
const PREFIX = 'changes.validation'

/**
 * An IBAN with spaces or lower case as typed, stored compact and upper case: the
 * same check as the master-data import (country length, e.g. DE 22, and mod 97).
 */
const ibanRule = vine.createRule((value, _options, field) => {
  if (typeof value !== 'string') return
  const checked = checkIban(value)
  if (checked === null || checked instanceof Problem) {
    field.report('The IBAN is not valid', 'iban', field)
    return
  }
  field.mutate(checked, field)
})

const customerId = () => vine.number().withoutDecimals().min(1)

/* GET /changes/new?kind=… (an unknown kind is refused like any bad query) */
export const changeFormValidator = formValidator(
  PREFIX,
  vine.object({ kind: vine.enum(CHANGE_KINDS).optional() })
)

/* The first look at POST /changes: which form was sent, for which customer. */
export const changeKindValidator = formValidator(
  PREFIX,
  vine.object({ kind: vine.enum(CHANGE_KINDS), customer_id: customerId() })
)

export const bankAccountValidator = formValidator(
  PREFIX,
  vine.object({
    iban: vine.string().trim().maxLength(42).use(ibanRule()),
    account_holder: vine.string().trim().minLength(2).maxLength(200),
  })
)

export const addressValidator = formValidator(
  PREFIX,
  vine.object({
    street: vine.string().trim().minLength(2).maxLength(200),
    postal_code: vine
      .string()
      .trim()
      .regex(/^[A-Za-z0-9 -]{3,10}$/),
    city: vine.string().trim().minLength(2).maxLength(100),
    country: vine
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{2}$/),
  })
)

export const contactValidator = formValidator(
  PREFIX,
  vine.object({
    email: vine.string().trim().email().maxLength(254),
    phone: vine
      .string()
      .trim()
      .regex(/^\+?[0-9 ()/.-]{3,40}$/)
      .nullable()
      .optional(),
  })
)

export const terminalOrderValidator = formValidator(
  PREFIX,
  vine.object({
    terminal_id: vine
      .string()
      .trim()
      .regex(/^\d{8}$/),
    item: vine.enum(TERMINAL_ORDER_ITEMS),
    quantity: vine
      .number()
      .withoutDecimals()
      .range([1, 50])
      .optional()
      .requiredWhen('item', '=', 'paper_rolls'),
    reason: vine
      .string()
      .trim()
      .minLength(5)
      .maxLength(1000)
      .optional()
      .requiredWhen('item', '=', 'replacement'),
  })
)

/* admin: the list's filter */
export const changeFilterValidator = formValidator(
  PREFIX,
  vine.object({
    status: vine.enum(['open', 'all', ...CHANGE_STATUSES]).optional(),
    page: vine.number().withoutDecimals().min(1).optional(),
  })
)

/* admin: a rejection's note, told to the merchant */
export const changeDecisionValidator = formValidator(
  PREFIX,
  vine.object({ note: vine.string().trim().maxLength(500).optional() })
)
