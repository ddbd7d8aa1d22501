import { DateTime } from 'luxon'
import type { CardBrand } from '#models/transaction'

export const ZONE = 'Europe/Berlin'
export const DEFAULT_DAYS = 7

/** A validated, normalized transaction filter (period in Berlin days, amounts in cents). */
export type TransactionFilter = {
  fromDate: string
  toDate: string
  /** start of `fromDate` in Berlin, as UTC */
  start: DateTime
  /** start of the day after `toDate` in Berlin, as UTC (exclusive) */
  end: DateTime
  terminal?: string
  terminalDbId?: number
  brand?: CardBrand
  type?: string
  status?: string
  amountMin?: number
  amountMax?: number
  q?: string
}

export type FilterInput = {
  from?: string
  to?: string
  terminal?: string
  brand?: CardBrand
  type?: string
  status?: string
  amount_min?: string
  amount_max?: string
  q?: string
}

/** Today in Berlin as yyyy-MM-dd. */
export function berlinToday() {
  return DateTime.now().setZone(ZONE).toISODate()!
}

/**
 * Builds the filter from validated input; the period defaults to the last 7
 * days (today included). Returns null when the dates do not exist or are reversed.
 */
export function buildFilter(input: FilterInput): TransactionFilter | null {
  const today = DateTime.now().setZone(ZONE).startOf('day')
  const from = input.from
    ? DateTime.fromISO(input.from, { zone: ZONE })
    : today.minus({ days: DEFAULT_DAYS - 1 })
  const to = input.to ? DateTime.fromISO(input.to, { zone: ZONE }) : today
  if (!from.isValid || !to.isValid || to < from) return null
  const min = input.amount_min ? toMinor(input.amount_min) : undefined
  const max = input.amount_max ? toMinor(input.amount_max) : undefined
  if (min !== undefined && max !== undefined && max < min) return null
  return {
    fromDate: from.toISODate()!,
    toDate: to.toISODate()!,
    start: from.startOf('day').toUTC(),
    end: to.plus({ days: 1 }).startOf('day').toUTC(),
    terminal: input.terminal,
    brand: input.brand,
    type: input.type,
    status: input.status,
    amountMin: min,
    amountMax: max,
    q: input.q || undefined,
  }
}

/** "12,50" / "12.50" / "12" euros → 1250 cents. */
export function toMinor(value: string) {
  const [whole, fraction = ''] = value.replace(',', '.').split('.')
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'))
}

/** Whole months between the two Berlin dates, counting a started month (for the export limit). */
export function spansMoreThanMonths(filter: TransactionFilter, months: number) {
  const from = DateTime.fromISO(filter.fromDate, { zone: ZONE })
  const to = DateTime.fromISO(filter.toDate, { zone: ZONE })
  return to >= from.plus({ months })
}

/** The filter's query string: what the list's form sends, as the filter says it. */
export type FilterQuery = {
  from: string
  to: string
  terminal?: string
  brand?: string
  type?: string
  status?: string
  amount_min?: string
  amount_max?: string
  q?: string
  customer: string
}

/**
 * The filter as query-string values (for the list's links, the export and the
 * live endpoint: `urlFor(name, undefined, { qs })`); unset filters are left out.
 */
export function filterQuery(filter: TransactionFilter, customer: string): FilterQuery {
  return {
    from: filter.fromDate,
    to: filter.toDate,
    terminal: filter.terminal || undefined,
    brand: filter.brand || undefined,
    type: filter.type || undefined,
    status: filter.status || undefined,
    amount_min: filter.amountMin === undefined ? undefined : minorToInput(filter.amountMin),
    amount_max: filter.amountMax === undefined ? undefined : minorToInput(filter.amountMax),
    q: filter.q || undefined,
    customer,
  }
}

export function minorToInput(minor: number) {
  return (minor / 100).toFixed(2)
}
