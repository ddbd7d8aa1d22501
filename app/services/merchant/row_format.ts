import { DateTime } from 'luxon'
import type { I18n } from '@adonisjs/i18n'
import { CARD_BRANDS, TRANSACTION_STATUSES, TRANSACTION_TYPES } from '#models/transaction'

const ZONE = 'Europe/Berlin'
/* Berlin's UTC offset per UTC hour, looked up once (DST switches on the hour). */
const offsets = new Map<number, number>()
const pad = (n: number) => String(n).padStart(2, '0')

/** Berlin wall-clock parts of a UTC instant, without a luxon object per row. */
function berlinParts(ms: number) {
  const hour = Math.floor(ms / 3_600_000)
  let offset = offsets.get(hour)
  if (offset === undefined) {
    offset = DateTime.fromMillis(hour * 3_600_000, { zone: ZONE }).offset
    if (offsets.size > 100_000) offsets.clear()
    offsets.set(hour, offset)
  }
  const d = new Date(ms + offset * 60_000)
  return {
    day: pad(d.getUTCDate()),
    month: pad(d.getUTCMonth() + 1),
    year: d.getUTCFullYear(),
    time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`,
  }
}

/* UTC hour → its Berlin date and hour as CSV text (`26.11.2026 14:` / `2026-11-26 14:`) */
const hourPrefixes = { de: new Map<number, string>(), en: new Map<number, string>() }

/**
 * The Berlin date and hour of a UTC instant as the CSV writes it, with the
 * trailing colon; minutes and seconds are the same in UTC and Berlin (whole-hour
 * offsets), so a long export formats each hour once.
 */
export function berlinHourPrefix(ms: number, german: boolean) {
  const hour = Math.floor(ms / 3_600_000)
  const cache = german ? hourPrefixes.de : hourPrefixes.en
  let prefix = cache.get(hour)
  if (prefix === undefined) {
    const p = berlinParts(hour * 3_600_000)
    const date = german ? `${p.day}.${p.month}.${p.year}` : `${p.year}-${p.month}-${p.day}`
    prefix = `${date} ${p.time.slice(0, 3)}`
    if (cache.size > 100_000) cache.clear()
    cache.set(hour, prefix)
  }
  return prefix
}

/** de `26.11.2026 14:05`, en `26/11/2026 14:05` (as formatDateTime, but cheap for long lists). */
export function berlinMinute(ms: number, locale: string) {
  const p = berlinParts(ms)
  const sep = locale === 'en' ? '/' : '.'
  return `${p.day}${sep}${p.month}${sep}${p.year} ${p.time}`
}

const monthFormats = new Map<string, Intl.DateTimeFormat>()

/** An invoice period `2026-10` as merchants read it: de „Oktober 2026“, en "October 2026". */
export function monthName(period: string, locale: string) {
  const match = /^(\d{4})-(\d{2})$/.exec(period)
  if (!match) return period
  let format = monthFormats.get(locale)
  if (!format) {
    format = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'de-DE', {
      month: 'long',
      year: 'numeric',
      timeZone: 'UTC',
    })
    monthFormats.set(locale, format)
  }
  return format.format(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1))
}

export type RowLabels = {
  type: Record<string, string>
  status: Record<string, string>
  brand: Record<string, string>
}

const labelCache = new Map<string, RowLabels>()

/**
 * The labels a transaction row needs, translated once per locale: a list page
 * would otherwise run ~150 message formats, which dominated its CPU time.
 */
export function rowLabels(i18n: I18n): RowLabels {
  let labels = labelCache.get(i18n.locale)
  if (!labels) {
    const map = (keys: readonly string[], prefix: string) =>
      Object.fromEntries(keys.map((k) => [k, i18n.t(`${prefix}.${k}`)]))
    labels = {
      type: map(TRANSACTION_TYPES, 'transactions.types'),
      status: map(TRANSACTION_STATUSES, 'transactions.statuses'),
      brand: map(CARD_BRANDS, 'transactions.brands'),
    }
    labelCache.set(i18n.locale, labels)
  }
  return labels
}

/** What the row partial uses: labels and the time formatter of the request's locale. */
export function rowFormat(i18n: I18n) {
  const locale = i18n.locale
  return {
    ...rowLabels(i18n),
    when: (at: Date | DateTime) =>
      berlinMinute(at instanceof Date ? at.getTime() : at.toMillis(), locale),
    period: (period: string) => monthName(period, locale),
  }
}
