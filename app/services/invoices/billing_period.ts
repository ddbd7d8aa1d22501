import { DateTime } from 'luxon'

export const BILLING_ZONE = 'Europe/Berlin'
const PERIOD_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/

/** A calendar month in Berlin time, e.g. "2026-10". */
export class BillingPeriod {
  private constructor(
    readonly key: string,
    readonly start: DateTime
  ) {}

  /** Parses "YYYY-MM"; returns null for anything else. */
  static parse(value: string): BillingPeriod | null {
    const match = PERIOD_PATTERN.exec(value.trim())
    if (!match) return null
    const start = DateTime.fromObject(
      { year: Number(match[1]), month: Number(match[2]), day: 1 },
      { zone: BILLING_ZONE }
    )
    return new BillingPeriod(start.toFormat('yyyy-MM'), start)
  }

  /** The month before `now` (Berlin): what the run on the 1st bills. */
  static previous(now: DateTime = DateTime.now()): BillingPeriod {
    const start = now.setZone(BILLING_ZONE).startOf('month').minus({ months: 1 })
    return new BillingPeriod(start.toFormat('yyyy-MM'), start)
  }

  get end(): DateTime {
    return this.start.endOf('month')
  }

  /** [from, to) in UTC "yyyy-MM-dd HH:mm:ss", how transactions.occurred_at is stored. */
  get utcRange(): [string, string] {
    const format = 'yyyy-MM-dd HH:mm:ss'
    return [
      this.start.toUTC().toFormat(format),
      this.start.plus({ months: 1 }).toUTC().toFormat(format),
    ]
  }

  /** Whether the month has ended (only closed months are billed). */
  isClosed(now: DateTime = DateTime.now()): boolean {
    return this.start.plus({ months: 1 }) <= now
  }
}
