import { DateTime } from 'luxon'

export const ZONE = 'Europe/Berlin'
export const FREQUENCIES = ['daily', 'weekly', 'monthly'] as const
export type Frequency = (typeof FREQUENCIES)[number]

/** One reported period: Berlin days `from`..`to` (both included) and its key. */
export type ReportPeriod = {
  frequency: Frequency
  /** `day-2026-12-01`, `week-2026-W48`, `month-2026-11`: unique per frequency */
  key: string
  /** ISO dates in Berlin */
  from: string
  to: string
}

/** The period of a frequency that ended last before `at` (Berlin): yesterday, last ISO week, last month. */
export function previousPeriod(frequency: Frequency, at: DateTime): ReportPeriod {
  const today = at.setZone(ZONE).startOf('day')
  const unit = frequency === 'daily' ? 'day' : frequency === 'weekly' ? 'week' : 'month'
  /* luxon's week is the ISO week, Monday to Sunday */
  const start = today.minus({ [`${unit}s`]: 1 }).startOf(unit)
  const end = start.endOf(unit).startOf('day')
  const key =
    frequency === 'daily'
      ? `day-${start.toISODate()}`
      : frequency === 'weekly'
        ? `week-${start.toFormat("kkkk-'W'WW")}`
        : `month-${start.toFormat('yyyy-MM')}`
  return { frequency, key, from: start.toISODate()!, to: end.toISODate()! }
}

/**
 * The periods a run at `at` reports (the daily 06:00 run): yesterday every day,
 * the previous week on Mondays, the previous month on the 1st.
 */
export function duePeriods(at: DateTime): ReportPeriod[] {
  const local = at.setZone(ZONE)
  const due: ReportPeriod[] = [previousPeriod('daily', local)]
  if (local.weekday === 1) due.push(previousPeriod('weekly', local))
  if (local.day === 1) due.push(previousPeriod('monthly', local))
  return due
}

/** Reads a period key back (the per-report job carries only the key). */
export function periodFromKey(key: string): ReportPeriod | null {
  let match = /^day-(\d{4}-\d{2}-\d{2})$/.exec(key)
  if (match) {
    const day = DateTime.fromISO(match[1], { zone: ZONE })
    return day.isValid ? previousPeriod('daily', day.plus({ days: 1 })) : null
  }
  match = /^week-(\d{4})-W(\d{2})$/.exec(key)
  if (match) {
    const monday = DateTime.fromObject(
      { weekYear: Number(match[1]), weekNumber: Number(match[2]), weekday: 1 },
      { zone: ZONE }
    )
    return monday.isValid ? previousPeriod('weekly', monday.plus({ weeks: 1 })) : null
  }
  match = /^month-(\d{4}-\d{2})$/.exec(key)
  if (match) {
    const first = DateTime.fromISO(`${match[1]}-01`, { zone: ZONE })
    return first.isValid ? previousPeriod('monthly', first.plus({ months: 1 })) : null
  }
  return null
}
