import type { ChangeKind } from '#models/change_request'

/** The customers columns each kind of change writes (and locks against the import). */
export const APPLIED_FIELDS: Record<Exclude<ChangeKind, 'terminal_order'>, readonly string[]> = {
  bank_account: ['iban', 'account_holder'],
  address: ['street', 'postal_code', 'city', 'country'],
  contact: ['email', 'phone'],
}

export const TERMINAL_ORDER_ITEMS = ['paper_rolls', 'replacement', 'return'] as const
export type TerminalOrderItem = (typeof TERMINAL_ORDER_ITEMS)[number]

/** `CR-2026-000123`: the year the request was made and its id, zero-padded. */
export const changeReference = (id: number, year: number) =>
  `CR-${year}-${String(id).padStart(6, '0')}`

/** Account data shown to merchants, in mails and in the audit trail: the last 4 characters. */
export function ibanLast4(iban: unknown) {
  if (typeof iban !== 'string' || iban === '') return null
  return `•••• ${iban.replace(/\s+/g, '').slice(-4)}`
}

/**
 * A request's values as they may be shown or logged: an IBAN only by its last
 * 4 characters (merchant pages, mails, audit meta). Staff pages use the full value.
 */
export function maskedValues(values: Record<string, unknown> | null) {
  if (!values) return null
  return 'iban' in values ? { ...values, iban: ibanLast4(values.iban) } : { ...values }
}
