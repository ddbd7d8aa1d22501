import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { BERLIN, type IsoDay } from '#services/money/bank_calendar'

/*
| What a merchant's money is doing now (docs/money.md): the amount each terminal
| holds since its last Kassenschnitt, the terminals that have not closed for days,
| and the credits still expected from the closings of the last weeks. Plain
| functions over customer ids, so the merchant pages and the alert job share them.
*/

/** From this many days without a closing a terminal is flagged (the guarantee lapses after 8). */
export const UNCLOSED_DAYS = 5
/** How far back the expected credits look for closings no payout covers yet. */
export const EXPECTED_WINDOW_DAYS = 60

/** A terminal's unclosed payments: approved sales − refunds − reversals with closing_id NULL. */
export type OpenAmount = {
  terminalDbId: number
  tid: string
  city: string | null
  customerId: number
  openCount: number
  openNetMinor: number
  /** last closing, else the oldest open transaction; null when there is neither */
  since: DateTime | null
  neverClosed: boolean
  /** any unclosed transaction at all (declined ones too) */
  hasOpen: boolean
  /** terminal status `active` (a removed terminal is not asked to close) */
  active: boolean
  ageDays: number | null
  /** active, open payments and no closing for UNCLOSED_DAYS or more (holdsMoneyFor) */
  overdue: boolean
}

/** A day on which credits are expected, with the parts that make it up. */
export type ExpectedCreditDay = {
  day: IsoDay
  date: DateTime
  girocardMinor: number
  schemeMinor: number
  totalMinor: number
  closings: number
  /** the day has passed and no payout covers it yet */
  overdue: boolean
}

/** A DATE from the driver (Date at UTC midnight from mysql2, text from SQLite) as `YYYY-MM-DD`. */
export function isoDay(value: Date | string): IsoDay {
  if (value instanceof Date) return DateTime.fromJSDate(value, { zone: 'utc' }).toISODate()!
  return String(value).slice(0, 10)
}

/** A DATETIME from the driver as a UTC DateTime. */
export function utcTime(value: Date | string): DateTime {
  if (value instanceof Date) return DateTime.fromJSDate(value, { zone: 'utc' })
  return DateTime.fromSQL(String(value), { zone: 'utc' })
}

/** A calendar day as a Berlin DateTime (for the date formatters). */
export const berlinDay = (day: IsoDay) => DateTime.fromISO(day, { zone: BERLIN })

const NET_SQL = `CASE WHEN status = 'approved' AND type = 'sale' THEN amount_minor WHEN status = 'approved' AND type IN ('refund', 'reversal') THEN -amount_minor ELSE 0 END`
const COUNTED_SQL = `CASE WHEN status = 'approved' AND type IN ('sale', 'refund', 'reversal') THEN 1 ELSE 0 END`

/** An active terminal holding approved sales, refunds or reversals for `days` or more. */
export function holdsMoneyFor(
  status: string,
  countedOpen: number,
  ageDays: number | null,
  days: number
) {
  return status === 'active' && countedOpen > 0 && ageDays !== null && ageDays >= days
}

/**
 * Per terminal of the customers: what it holds since its last closing and for how
 * long. Reads only the unclosed rows (index terminal_id, closing_id, occurred_at).
 */
export async function openAmounts(
  customerIds: number[],
  now: DateTime = DateTime.utc()
): Promise<OpenAmount[]> {
  if (!customerIds.length) return []
  const terminals = await db
    .from('terminals')
    .whereIn('customer_id', customerIds)
    .orderBy('terminal_id')
    .select('id', 'terminal_id', 'city', 'customer_id', 'last_closed_at', 'status')
  if (!terminals.length) return []
  const open = await db
    .from('transactions')
    .whereIn(
      'terminal_id',
      terminals.map((row) => row.id)
    )
    .whereIn('customer_id', customerIds)
    .whereNull('closing_id')
    .groupBy('terminal_id', 'customer_id')
    .select(
      'terminal_id',
      'customer_id',
      db.raw(`SUM(${COUNTED_SQL}) as n`),
      db.raw(`COALESCE(SUM(${NET_SQL}), 0) as net`),
      db.raw('MIN(occurred_at) as oldest'),
      db.raw('COUNT(*) as rows_open')
    )
  /* a terminal's open payments are its current customer's (a moved terminal's earlier ones stay
     with the customer they were made for) */
  const byTerminal = new Map(
    open.map((row) => [`${row.terminal_id}:${row.customer_id}`, row] as const)
  )
  return terminals.map((terminal) => {
    const row = byTerminal.get(`${terminal.id}:${terminal.customer_id}`)
    const lastClosed = terminal.last_closed_at ? utcTime(terminal.last_closed_at) : null
    const oldest = row?.oldest ? utcTime(row.oldest) : null
    const since = lastClosed ?? oldest
    const ageDays = since ? Math.max(0, Math.floor(now.diff(since, 'days').days)) : null
    const hasOpen = Number(row?.rows_open ?? 0) > 0
    return {
      terminalDbId: Number(terminal.id),
      tid: String(terminal.terminal_id),
      city: terminal.city ?? null,
      customerId: Number(terminal.customer_id),
      openCount: Number(row?.n ?? 0),
      openNetMinor: Number(row?.net ?? 0),
      since,
      neverClosed: !lastClosed,
      hasOpen,
      active: terminal.status === 'active',
      ageDays,
      /* the one rule (also the dashboard's card and the alert mail): an active terminal that holds
         money — approved sales, refunds or reversals; declined attempts and pre-authorisations
         alone are nothing to close — since its last closing 5 days ago or more */
      overdue: holdsMoneyFor(terminal.status, Number(row?.n ?? 0), ageDays, UNCLOSED_DAYS),
    }
  })
}

/**
 * Terminals with open payments that have not closed for `days` or more (or never,
 * with their oldest open payment that old): they should run a Kassenschnitt.
 */
export async function unclosedTerminals(
  customerIds: number[],
  now: DateTime = DateTime.utc(),
  days = UNCLOSED_DAYS
): Promise<OpenAmount[]> {
  const all = await openAmounts(customerIds, now)
  return all
    .filter((terminal) =>
      holdsMoneyFor(terminal.active ? 'active' : '', terminal.openCount, terminal.ageDays, days)
    )
    .sort((a, b) => (b.ageDays ?? 0) - (a.ageDays ?? 0))
}

/** Which payout kinds credit a closing's part (a payout of kind `all` credits both). */
const PART_KINDS = {
  girocard: {
    amount: 'girocard_net_minor',
    day: 'girocard_expected_on',
    kinds: ['girocard', 'all'],
  },
  schemes: { amount: 'scheme_net_minor', day: 'scheme_expected_on', kinds: ['schemes', 'all'] },
} as const

/**
 * The credits still expected: per expected day, the girocard and scheme parts of
 * the closings of the last EXPECTED_WINDOW_DAYS that no payout of the matching
 * kind (not sent back) covers yet. Oldest day first; past days are `overdue`.
 */
export async function expectedCredits(
  customerIds: number[],
  now: DateTime = DateTime.utc()
): Promise<ExpectedCreditDay[]> {
  if (!customerIds.length) return []
  const from = now.minus({ days: EXPECTED_WINDOW_DAYS }).toUTC().toFormat('yyyy-MM-dd HH:mm:ss')
  const today = now.setZone(BERLIN).toISODate()!
  const days = new Map<IsoDay, ExpectedCreditDay>()
  for (const [part, spec] of Object.entries(PART_KINDS)) {
    const rows = await db
      .from('closings as c')
      .whereIn('c.customer_id', customerIds)
      .where('c.closed_at', '>=', from)
      .whereNot(`c.${spec.amount}`, 0)
      .whereNotExists((sub) => {
        sub
          .from('payout_closings as pc')
          .join('payouts as p', 'p.id', 'pc.payout_id')
          .whereColumn('pc.closing_id', 'c.id')
          .whereNot('p.status', 'returned')
          .whereIn('p.kind', [...spec.kinds])
          .select(db.raw('1'))
      })
      .groupBy(`c.${spec.day}`)
      .select(
        `c.${spec.day} as day`,
        db.raw(`SUM(c.${spec.amount}) as amount`),
        db.raw('COUNT(*) as n')
      )
    for (const row of rows) {
      const day = isoDay(row.day)
      const entry = days.get(day) ?? {
        day,
        date: berlinDay(day),
        girocardMinor: 0,
        schemeMinor: 0,
        totalMinor: 0,
        closings: 0,
        overdue: day < today,
      }
      if (part === 'girocard') entry.girocardMinor += Number(row.amount)
      else entry.schemeMinor += Number(row.amount)
      entry.totalMinor += Number(row.amount)
      entry.closings += Number(row.n)
      days.set(day, entry)
    }
  }
  return [...days.values()].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0))
}

/** The next day (today or later) with an expected credit, or null. */
export async function nextExpectedCredit(
  customerIds: number[],
  now: DateTime = DateTime.utc()
): Promise<ExpectedCreditDay | null> {
  const today = now.setZone(BERLIN).toISODate()!
  const days = await expectedCredits(customerIds, now)
  return days.find((day) => day.day >= today) ?? null
}
