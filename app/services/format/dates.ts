/*
| Calendar dates typed into a form and shown in it. German: TT.MM.JJJJ
| (`06.05.2026`); English: the en-GB order DD/MM/YYYY (`06/05/2026`), the same
| day-first order as every other English date on the portal (formatters.ts).
| URLs always carry ISO (`2026-05-06`). Both input orders are day-first, so a
| date typed in the other language's style is read the same way.
*/

export type DateInput = { ok: true; iso: string } | { ok: false; reason: 'format' | 'impossible' }

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/
/* d.M.yyyy or d/M/yyyy, one or two digits for day and month, two or four for the year */
const DAY_FIRST = /^(\d{1,2})[./](\d{1,2})[./](\d{2}|\d{4})$/

/** The input format of a locale, as luxon tokens: de `dd.MM.yyyy`, en `dd/MM/yyyy`. */
export function dateInputFormat(locale: string) {
  return locale === 'en' ? 'dd/MM/yyyy' : 'dd.MM.yyyy'
}

/**
 * Reads a typed date: ISO, TT.MM.JJJJ or DD/MM/YYYY (a two-digit year is
 * 20yy). Tells a malformed value (`format`) from a day that does not exist
 * (`impossible`, e.g. 31.02.2026).
 */
export function parseDateInput(value: string): DateInput {
  const text = value.trim()
  let parts: [number, number, number] | null = null
  const iso = ISO.exec(text)
  if (iso) parts = [Number(iso[1]), Number(iso[2]), Number(iso[3])]
  const dayFirst = DAY_FIRST.exec(text)
  if (dayFirst && !(text.includes('.') && text.includes('/'))) {
    const year = Number(dayFirst[3])
    parts = [year < 100 ? 2000 + year : year, Number(dayFirst[2]), Number(dayFirst[1])]
  }
  if (!parts) return { ok: false, reason: 'format' }
  const [year, month, day] = parts
  if (!isCalendarDay(year, month, day) || year < 1900) return { ok: false, reason: 'impossible' }
  return { ok: true, iso: `${year}-${pad(month)}-${pad(day)}` }
}

const pad = (n: number) => String(n).padStart(2, '0')

/* a day that exists (no luxon object: forms and filters read dates on every list request) */
function isCalendarDay(year: number, month: number, day: number) {
  if (month < 1 || month > 12 || day < 1 || year > 9999) return false
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate()
}

/** An ISO date (from the URL) as the locale shows it in a form field; other text unchanged. */
export function formatDateInput(value: string | undefined | null, locale: string) {
  if (!value) return ''
  const iso = ISO.exec(value)
  if (!iso || !isCalendarDay(Number(iso[1]), Number(iso[2]), Number(iso[3]))) return value
  const separator = locale === 'en' ? '/' : '.'
  return `${iso[3]}${separator}${iso[2]}${separator}${iso[1]}`
}

/** Whether a string is an ISO date (what the URL carries). */
export function isIsoDate(value: string) {
  return ISO.test(value.trim())
}
