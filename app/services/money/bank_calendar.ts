import Holidays from 'date-holidays'
import { DateTime } from 'luxon'
import { bankHolidayState, closingCutoff } from '#config/portal'

/*
| German bank business days (docs/money.md): Monday to Friday, except the public
| holidays of Germany (nationwide) and the bank holidays 24 and 31 December, from
| the maintained `date-holidays` data set. With a Land (`BANK_HOLIDAY_STATE`, e.g.
| `BY`) that Land's public holidays count too (Fronleichnam, Allerheiligen, …):
| a merchant's house bank there does not book on them.
*/

export const BERLIN = 'Europe/Berlin'

/** A calendar day as `YYYY-MM-DD`. */
export type IsoDay = string

export class BankCalendar {
  #holidays: Holidays
  #years = new Map<number, Set<IsoDay>>()

  constructor(readonly state?: string) {
    this.#holidays = state ? new Holidays('DE', state) : new Holidays('DE')
  }

  /** The holidays of a year that close banks (public and bank holidays). */
  holidays(year: number): Set<IsoDay> {
    let days = this.#years.get(year)
    if (!days) {
      days = new Set(
        this.#holidays
          .getHolidays(year)
          .filter((holiday) => holiday.type === 'public' || holiday.type === 'bank')
          .map((holiday) => holiday.date.slice(0, 10))
      )
      this.#years.set(year, days)
    }
    return days
  }

  isBusinessDay(day: IsoDay) {
    const date = DateTime.fromISO(day, { zone: 'utc' })
    if (date.weekday >= 6) return false
    return !this.holidays(date.year).has(day)
  }

  /** The `count`-th bank business day after `day` (not counting `day` itself). */
  addBusinessDays(day: IsoDay, count: number): IsoDay {
    let date = DateTime.fromISO(day, { zone: 'utc' })
    let left = count
    while (left > 0) {
      date = date.plus({ days: 1 })
      if (this.isBusinessDay(date.toISODate()!)) left--
    }
    return date.toISODate()!
  }

  /** `day` itself when it is a bank business day, else the next one. */
  onOrAfter(day: IsoDay): IsoDay {
    return this.isBusinessDay(day) ? day : this.addBusinessDays(day, 1)
  }
}

export type SettlementRhythm = 'daily' | 'weekly'
export const SETTLEMENT_RHYTHMS: readonly SettlementRhythm[] = ['daily', 'weekly']

/**
 * When the money of a closing is expected on the merchant's account:
 *
 * - the closing counts for its Berlin calendar day, or for the next day when it
 *   happened at or after the cut-off time (`CLOSING_CUTOFF`, default 22:00);
 * - girocard: the next bank business day after that day;
 * - card schemes, rhythm `daily`: the second bank business day after that day;
 * - card schemes, rhythm `weekly`: the Monday after that day's week (Monday to
 *   Sunday), or the next bank business day when that Monday is a holiday.
 */
export class ExpectedCredit {
  constructor(
    readonly calendar: BankCalendar,
    readonly cutoff: string
  ) {}

  /** The day a closing counts for (its „Buchungstag“). */
  businessDate(closedAt: DateTime): IsoDay {
    const local = closedAt.setZone(BERLIN)
    const [hour, minute] = this.cutoff.split(':').map(Number)
    const afterCutoff = local.hour > hour || (local.hour === hour && local.minute >= minute)
    return (afterCutoff ? local.plus({ days: 1 }) : local).toISODate()!
  }

  girocard(closedAt: DateTime): IsoDay {
    return this.calendar.addBusinessDays(this.businessDate(closedAt), 1)
  }

  schemes(closedAt: DateTime, rhythm: SettlementRhythm): IsoDay {
    const day = this.businessDate(closedAt)
    if (rhythm === 'daily') return this.calendar.addBusinessDays(day, 2)
    const nextMonday = DateTime.fromISO(day, { zone: 'utc' })
      .startOf('week')
      .plus({ weeks: 1 })
      .toISODate()!
    return this.calendar.onOrAfter(nextMonday)
  }
}

let configured: ExpectedCredit | undefined

/** The portal's rules, from `CLOSING_CUTOFF` and `BANK_HOLIDAY_STATE`. */
export function expectedCredit() {
  configured ??= new ExpectedCredit(new BankCalendar(bankHolidayState), closingCutoff)
  return configured
}
