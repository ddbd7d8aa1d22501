import { DateTime } from 'luxon'
import type { CardBrand } from '#models/transaction'
import { formatDateInput } from '#services/format/dates'

export const ZONE = 'Europe/Berlin'
export const DEFAULT_DAYS = 7

/** The period shortcuts of the filter form; `custom` takes the typed from/to. */
export const DATE_PRESETS = [
  'today',
  'yesterday',
  'last7',
  'this_month',
  'last_month',
  'custom',
] as const
export type DatePreset = (typeof DATE_PRESETS)[number]

/** A validated, normalized transaction filter (period in Berlin days, amounts in cents). */
export type TransactionFilter = {
  fromDate: string
  toDate: string
  /** start of `fromDate` in Berlin, as UTC */
  start: DateTime
  /** start of the day after `toDate` in Berlin, as UTC (exclusive) */
  end: DateTime
  /** how the period was chosen (a preset is recomputed on every visit, so a bookmark moves) */
  preset?: DatePreset
  terminal?: string
  terminalDbId?: number
  /** multi-select: any of these (unset or empty: all) */
  brand?: CardBrand[]
  type?: string[]
  status?: string[]
  amountMin?: number
  amountMax?: number
  q?: string
}

export type FilterInput = {
  preset?: DatePreset
  /** ISO dates (the validator turns typed TT.MM.JJJJ / DD/MM/YYYY into ISO) */
  from?: string
  to?: string
  terminal?: string
  brand?: CardBrand[]
  type?: string[]
  status?: string[]
  amount_min?: string
  amount_max?: string
  q?: string
}

/* en-CA writes dates as yyyy-MM-dd; one formatter instead of luxon's zone work per call */
const berlinDate = new Intl.DateTimeFormat('en-CA', {
  timeZone: ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
})

let todayCache = { day: '', from: 0, until: 0 }

/** Today in Berlin as yyyy-MM-dd (worked out once a day: a list page asks three times). */
export function berlinToday() {
  const now = Date.now()
  if (now >= todayCache.until || now < todayCache.from) {
    const day = berlinDate.format(now)
    const start = DateTime.fromISO(day, { zone: ZONE })
    todayCache = { day, from: start.toMillis(), until: start.plus({ days: 1 }).toMillis() }
  }
  return todayCache.day
}

/** The Berlin days a preset stands for, today included where it reaches today. */
export function presetRange(preset: Exclude<DatePreset, 'custom'>, now = DateTime.now()) {
  const today = now.setZone(ZONE).startOf('day')
  switch (preset) {
    case 'today':
      return { from: today, to: today }
    case 'yesterday':
      return { from: today.minus({ days: 1 }), to: today.minus({ days: 1 }) }
    case 'last7':
      return { from: today.minus({ days: DEFAULT_DAYS - 1 }), to: today }
    case 'this_month':
      return { from: today.startOf('month'), to: today }
    case 'last_month': {
      const start = today.minus({ months: 1 }).startOf('month')
      return { from: start, to: start.endOf('month').startOf('day') }
    }
  }
}

/**
 * The preset a filter input means: a named preset wins over typed dates; typed
 * dates alone are `custom`; nothing at all is the last 7 days.
 */
export function chosenPreset(input: Pick<FilterInput, 'preset' | 'from' | 'to'>): DatePreset {
  if (input.preset) return input.preset
  return input.from || input.to ? 'custom' : 'last7'
}

/**
 * Builds the filter from validated input; the period comes from the preset
 * (default: the last 7 days, today included) or, for `custom`, the dates.
 * Returns null when the dates do not exist or are reversed.
 */
export function buildFilter(input: FilterInput): TransactionFilter | null {
  const preset = chosenPreset(input)
  const period = periodOf(preset, input)
  if (!period) return null
  const min = input.amount_min ? toMinor(input.amount_min) : undefined
  const max = input.amount_max ? toMinor(input.amount_max) : undefined
  if (min !== undefined && max !== undefined && max < min) return null
  return {
    ...period,
    preset,
    terminal: input.terminal,
    brand: nonEmpty(input.brand),
    type: nonEmpty(input.type),
    status: nonEmpty(input.status),
    amountMin: min,
    amountMax: max,
    q: input.q || undefined,
  }
}

type Period = Pick<TransactionFilter, 'fromDate' | 'toDate' | 'start' | 'end'>

/* periods by preset, typed dates and today's Berlin date: the same request means the same period */
const periods = new Map<string, Period | null>()
let periodsDay = ''

/**
 * The Berlin days of a filter as dates and UTC instants (null: dates that do not
 * exist or are reversed). Kept for the day, as luxon's zone arithmetic is a
 * noticeable part of a list request; luxon DateTimes are immutable, so sharing is safe.
 */
function periodOf(preset: DatePreset, input: Pick<FilterInput, 'from' | 'to'>): Period | null {
  const today = berlinToday()
  if (today !== periodsDay || periods.size > 1000) {
    periods.clear()
    periodsDay = today
  }
  const key = preset === 'custom' ? `custom|${input.from ?? ''}|${input.to ?? ''}` : preset
  if (periods.has(key)) return periods.get(key)!
  let from: DateTime
  let to: DateTime
  if (preset === 'custom') {
    const start = DateTime.fromISO(today, { zone: ZONE })
    from = input.from
      ? DateTime.fromISO(input.from, { zone: ZONE })
      : start.minus({ days: DEFAULT_DAYS - 1 })
    to = input.to ? DateTime.fromISO(input.to, { zone: ZONE }) : start
  } else {
    ;({ from, to } = presetRange(preset))
  }
  const period =
    !from.isValid || !to.isValid || to < from
      ? null
      : {
          fromDate: from.toISODate()!,
          toDate: to.toISODate()!,
          start: from.startOf('day').toUTC(),
          end: to.plus({ days: 1 }).startOf('day').toUTC(),
        }
  periods.set(key, period)
  return period
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

/** One value as a plain key (`brand=visa`), several as an array. */
type OneOrMany = string | string[]

/** The filter's query string: what the list's form sends, as the filter says it. */
export type FilterQuery = {
  from: string
  to: string
  preset?: DatePreset
  terminal?: string
  brand?: OneOrMany
  type?: OneOrMany
  status?: OneOrMany
  amount_min?: string
  amount_max?: string
  q?: string
  customer: string
}

/**
 * The filter as query-string values (for the list's links, the pagination,
 * the detail page's way back, the export and the live endpoint:
 * `urlFor(name, undefined, { qs })`); unset filters are left out. The dates
 * are always there (ISO), a named preset too (it wins when read back).
 */
export function filterQuery(filter: TransactionFilter, customer: string): FilterQuery {
  return {
    from: filter.fromDate,
    to: filter.toDate,
    preset: filter.preset && filter.preset !== 'custom' ? filter.preset : undefined,
    terminal: filter.terminal || undefined,
    brand: oneOrMany(filter.brand),
    type: oneOrMany(filter.type),
    status: oneOrMany(filter.status),
    amount_min: filter.amountMin === undefined ? undefined : minorToInput(filter.amountMin),
    amount_max: filter.amountMax === undefined ? undefined : minorToInput(filter.amountMax),
    q: filter.q || undefined,
    customer,
  }
}

export function minorToInput(minor: number) {
  return (minor / 100).toFixed(2)
}

function nonEmpty<T>(values: T[] | undefined) {
  return values && values.length ? [...new Set(values)] : undefined
}

/* a single value stays a plain key; several become an array (brand[0]=…&brand[1]=…) */
function oneOrMany(values: string[] | undefined): OneOrMany | undefined {
  if (!values || !values.length) return undefined
  return values.length === 1 ? values[0] : values
}

/** What the filter form shows: dates in the locale's format, the lists as lists. */
export type FilterForm = {
  preset: DatePreset
  from: string
  to: string
  terminal: string
  brand: string[]
  type: string[]
  status: string[]
  amount_min: string
  amount_max: string
  q: string
  /** how many filters besides the period are set (for the phone's folded summary) */
  active: number
}

/**
 * The form's values: from the filter's query string (dates ISO) or, for a
 * refused filter, from what was sent (shown as typed, so it can be corrected).
 */
export function filterForm(query: Record<string, string | string[] | undefined>, locale: string) {
  const one = (key: string) => {
    const value = query[key]
    return (Array.isArray(value) ? value[value.length - 1] : value) ?? ''
  }
  const many = (key: string) => {
    const value = query[key]
    return (Array.isArray(value) ? value : value ? [value] : []).filter(Boolean)
  }
  const preset = (DATE_PRESETS as readonly string[]).includes(one('preset'))
    ? (one('preset') as DatePreset)
    : chosenPreset({ from: one('from'), to: one('to') })
  const form: FilterForm = {
    preset,
    from: formatDateInput(one('from'), locale),
    to: formatDateInput(one('to'), locale),
    terminal: one('terminal'),
    brand: many('brand'),
    type: many('type'),
    status: many('status'),
    amount_min: one('amount_min'),
    amount_max: one('amount_max'),
    q: one('q'),
    active: 0,
  }
  form.active = [form.terminal, form.amount_min, form.amount_max, form.q]
    .concat(form.brand.length ? 'brand' : '', form.type.length ? 'type' : '')
    .concat(form.status.length ? 'status' : '')
    .filter(Boolean).length
  return form
}
