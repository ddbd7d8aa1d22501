import { DateTime } from 'luxon'

const TZ = 'Europe/Berlin'
const intlLocale = (locale: string) => (locale === 'en' ? 'en-GB' : 'de-DE')

/* Intl.NumberFormat is costly to build (≈ 30 µs); a list page formats hundreds of amounts */
const moneyFormats = new Map<string, Intl.NumberFormat>()

/** Money from integer minor units: de `1.234,56 €`, en `€1,234.56`. */
export function formatMoney(minor: number, locale: string, currency = 'EUR') {
  if (currency === 'EUR' && Number.isInteger(minor) && Math.abs(minor) < EXACT_MINOR) {
    return euros(minor, locale === 'en')
  }
  const key = `${intlLocale(locale)}|${currency}`
  let format = moneyFormats.get(key)
  if (!format) {
    format = new Intl.NumberFormat(intlLocale(locale), { style: 'currency', currency })
    moneyFormats.set(key, format)
  }
  return format.format(minor / 100)
}

/** Date and time in Berlin time: de `26.11.2026 14:05`, en `26/11/2026 14:05`. */
export function formatDateTime(value: DateTime | Date | string | null | undefined, locale: string) {
  const dt = toDateTime(value)
  if (!dt || !dt.isValid) return ''
  /* one Intl formatter for Berlin time instead of luxon's per-call zone work (a list has 50 rows) */
  const parts: Record<string, string> = {}
  for (const part of berlinParts.formatToParts(dt.toMillis())) parts[part.type] = part.value
  const date =
    locale === 'en'
      ? `${parts.day}/${parts.month}/${parts.year}`
      : `${parts.day}.${parts.month}.${parts.year}`
  return `${date} ${parts.hour}:${parts.minute}`
}

const berlinParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: TZ,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
})

export function formatDate(value: DateTime | Date | string | null | undefined, locale: string) {
  const dt = toDateTime(value)
  return dt ? dt.setZone(TZ).toFormat(locale === 'en' ? 'dd/MM/yyyy' : 'dd.MM.yyyy') : ''
}

/* below 10^13 cents, `minor / 100` as Intl gets it is exact to the cent */
const EXACT_MINOR = 1e13

/*
 * Euros written out by hand, exactly as Intl.NumberFormat de-DE / en-GB writes them
 * (tests/unit/format/money_format.spec.ts compares them over many amounts): a list page
 * has 50 amounts, and `format` cost 2 µs each.
 */
function euros(minor: number, en: boolean) {
  const sign = minor < 0 || Object.is(minor, -0) ? '-' : ''
  const abs = Math.abs(minor)
  const cents = abs % 100
  let units = String((abs - cents) / 100)
  const separator = en ? ',' : '.'
  for (let at = units.length - 3; at > 0; at -= 3) {
    units = `${units.slice(0, at)}${separator}${units.slice(at)}`
  }
  const amount = `${units}${en ? '.' : ','}${cents < 10 ? '0' : ''}${cents}`
  return en ? `${sign}€${amount}` : `${sign}${amount}\u00a0€`
}

const numberFormats = new Map<string, Intl.NumberFormat>()

export function formatNumber(value: number, locale: string) {
  const key = intlLocale(locale)
  let format = numberFormats.get(key)
  if (!format) {
    format = new Intl.NumberFormat(key)
    numberFormats.set(key, format)
  }
  return format.format(value)
}

function toDateTime(value: DateTime | Date | string | null | undefined) {
  if (!value) return null
  if (DateTime.isDateTime(value)) return value
  if (value instanceof Date) return DateTime.fromJSDate(value)
  return DateTime.fromISO(value)
}
