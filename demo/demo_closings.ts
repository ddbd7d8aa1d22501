import { DateTime } from 'luxon'
import type { DemoTerminal, TradeProfile } from '#demo/demo_master_data'
import type { TransactionRow } from '#demo/demo_transactions'
import { BERLIN, expectedCredit, type SettlementRhythm } from '#services/money/bank_calendar'
import { disagioMinor } from '#services/ingest/simulated_money'

/*
| The money flow of the demo history (issue 16, docs/demo.md): every terminal closes
| after each trading day (its Kassenschnitt links the day's payments), and the
| acquirer credits the closings — girocard on the next bank business day, the card
| schemes per the customer's settlement rhythm. Credits whose value date has passed
| are `paid`, the others `expected`.
|
| The seeder fills an empty database, so the rows get their ids here: each payment
| carries its `closing_id` from its INSERT, and no UPDATE over the table is needed.
| The figures are exactly what `ClosingIngest` / `PayoutIngest` would store.
*/

const SQL_FORMAT = 'yyyy-MM-dd HH:mm:ss'
const KINDS = { sale: 'sales', refund: 'refunds', reversal: 'reversals' } as const
type Side = { count: number; minor: number }
type BrandTotals = Record<'sales' | 'refunds' | 'reversals', Side>

export type ClosingRow = {
  id: number
  customer_id: number
  terminal_id: number
  closing_number: number
  closed_at: string
  automatic: number
  business_date: string
  reported_count: number
  reported_net_minor: number
  girocard_net_minor: number
  scheme_net_minor: number
  linked_count: number
  linked_net_minor: number
  difference_minor: number
  has_difference: number
  girocard_expected_on: string
  scheme_expected_on: string
  created_at: string
}

export type ClosingTotalRow = Record<string, number | string>

/** Ids for the rows of one seed run (the database is empty before it). */
export class DemoIds {
  closing = 0
  payout = 0
  fee = 0
}

export type TerminalClosings = { closings: ClosingRow[]; totals: ClosingTotalRow[] }

/**
 * Plans the closings of one terminal for its trading days before today and links
 * the payments to them (sets `closing_id` on the rows, which are written afterwards).
 * Payments after the last closing stay open.
 */
export function planClosings(
  rows: TransactionRow[],
  target: {
    tid: string
    terminal: DemoTerminal
    profile: TradeProfile
    customerId: number
    terminalId: number
    rhythm: SettlementRhythm
  },
  options: { now: DateTime; days: number; ids: DemoIds }
): TerminalClosings {
  const { terminal, profile } = target
  const credit = expectedCredit()
  const today = options.now.setZone(BERLIN).startOf('day')
  const firstDay = today.minus({ days: options.days - 1 })
  const installed = today.minus({ days: terminal.installedDaysAgo })
  const stopped =
    terminal.stoppedDaysAgo === undefined
      ? undefined
      : today.minus({ days: terminal.stoppedDaysAgo })
  const lastDay = today.minus({ days: terminal.lastClosingDaysAgo ?? 1 })

  /* the closing times: after each trading day's last opening hour */
  const times: { closedAt: DateTime; daysAgo: number }[] = []
  for (let day = firstDay; day <= lastDay; day = day.plus({ days: 1 })) {
    if (day < installed || (stopped && day >= stopped)) continue
    const hours = profile.hours[day.weekday as 1 | 2 | 3 | 4 | 5 | 6 | 7]
    if (!hours) continue
    const end = Math.max(...hours.map(([, to]) => to))
    const minutes = Math.min(end * 60 + 20, 23 * 60 + 50)
    times.push({
      closedAt: day.set({ hour: Math.floor(minutes / 60), minute: minutes % 60 }),
      daysAgo: Math.round(today.diff(day, 'days').days),
    })
  }
  if (!times.length) return { closings: [], totals: [] }
  const bounds = times.map(({ closedAt }) => closedAt.toUTC().toFormat(SQL_FORMAT))

  /* each payment belongs to the first closing at or after it */
  const linked = times.map(() => new Map<string, BrandTotals>())
  const linkedCounts = times.map(() => 0)
  const firstId = options.ids.closing + 1
  for (const row of rows) {
    const index = firstAtOrAfter(bounds, row.occurred_at)
    if (index === bounds.length) continue
    row.closing_id = firstId + index
    if (row.status !== 'approved') continue
    const brand = linked[index].get(row.card_brand) ?? zero()
    const side = brand[KINDS[row.type]]
    side.count++
    side.minor += row.amount_minor
    linked[index].set(row.card_brand, brand)
    linkedCounts[index]++
  }

  const closings: ClosingRow[] = []
  const totals: ClosingTotalRow[] = []
  let closingNumber = 100 + (Number(target.tid) % 700)
  for (const [index, { closedAt, daysAgo }] of times.entries()) {
    const id = ++options.ids.closing
    const reported = new Map<string, BrandTotals>()
    for (const [brand, t] of linked[index]) reported.set(brand, structuredClone(t))
    /* the demo's one closing that does not add up: a girocard receipt the terminal lost */
    const giro = reported.get('girocard')
    if (daysAgo === terminal.differenceDaysAgo && giro && giro.sales.count > 0) {
      giro.sales = { count: giro.sales.count - 1, minor: giro.sales.minor - 1840 }
    }
    for (const brand of [...reported.keys()].sort()) {
      const r = reported.get(brand)!
      const l = linked[index].get(brand)!
      totals.push({
        closing_id: id,
        card_brand: brand,
        reported_sales_count: r.sales.count,
        reported_sales_minor: r.sales.minor,
        reported_refunds_count: r.refunds.count,
        reported_refunds_minor: r.refunds.minor,
        reported_reversals_count: r.reversals.count,
        reported_reversals_minor: r.reversals.minor,
        linked_sales_count: l.sales.count,
        linked_sales_minor: l.sales.minor,
        linked_refunds_count: l.refunds.count,
        linked_refunds_minor: l.refunds.minor,
        linked_reversals_count: l.reversals.count,
        linked_reversals_minor: l.reversals.minor,
      })
    }
    const reportedNet = sum([...reported.values()].map(net))
    const linkedNet = sum([...linked[index].values()].map(net))
    const girocardNet = giro ? net(giro) : 0
    const reportedCount = sum([...reported.values()].map(count))
    const utc = closedAt.toUTC()
    closings.push({
      id,
      customer_id: target.customerId,
      terminal_id: target.terminalId,
      closing_number: closingNumber++,
      closed_at: utc.toFormat(SQL_FORMAT),
      automatic: 0,
      business_date: credit.businessDate(utc),
      reported_count: reportedCount,
      reported_net_minor: reportedNet,
      girocard_net_minor: girocardNet,
      scheme_net_minor: reportedNet - girocardNet,
      linked_count: linkedCounts[index],
      linked_net_minor: linkedNet,
      difference_minor: reportedNet - linkedNet,
      has_difference: reportedNet !== linkedNet || reportedCount !== linkedCounts[index] ? 1 : 0,
      girocard_expected_on: credit.girocard(utc),
      scheme_expected_on: credit.schemes(utc, target.rhythm),
      created_at: utc.toFormat(SQL_FORMAT),
    })
  }
  return { closings, totals }
}

export type PayoutRows = {
  payouts: Record<string, number | string | null>[]
  links: { payout_id: number; closing_id: number }[]
  fees: { id: number; payout_id: number; card_brand: string; kind: string; amount_minor: number }[]
}

/**
 * The credits of one customer's closings: one girocard payout per value date and one
 * card-scheme payout per value date (daily or weekly rhythm). A weekly payout whose week
 * is not over yet is not announced. `shortDaysAgo` makes the girocard payout of that many
 * days ago arrive 12.50 € short (the demo's payout with a difference).
 */
export function planPayouts(
  closings: ClosingRow[],
  totals: ClosingTotalRow[],
  customer: { id: number; customerNumber: string; iban: string; rhythm: SettlementRhythm },
  options: { now: DateTime; ids: DemoIds; shortDaysAgo?: number }
): PayoutRows {
  const today = options.now.setZone(BERLIN).toISODate()!
  const nets = new Map<number, Map<string, number>>()
  for (const total of totals) {
    const byBrand = nets.get(Number(total.closing_id)) ?? new Map<string, number>()
    byBrand.set(
      String(total.card_brand),
      Number(total.reported_sales_minor) -
        Number(total.reported_refunds_minor) -
        Number(total.reported_reversals_minor)
    )
    nets.set(Number(total.closing_id), byBrand)
  }
  const groups = new Map<string, { kind: 'girocard' | 'schemes'; day: string; of: ClosingRow[] }>()
  for (const closing of closings) {
    for (const [kind, day] of [
      ['girocard', closing.girocard_expected_on],
      ['schemes', closing.scheme_expected_on],
    ] as const) {
      const key = `${kind}|${day}`
      const group = groups.get(key) ?? { kind, day, of: [] }
      group.of.push(closing)
      groups.set(key, group)
    }
  }
  const shortDay =
    options.shortDaysAgo === undefined
      ? undefined
      : DateTime.fromISO(today).minus({ days: options.shortDaysAgo }).toISODate()!
  const rows: PayoutRows = { payouts: [], links: [], fees: [] }
  let shortDone = false
  for (const group of [...groups.values()].sort((a, b) => a.day.localeCompare(b.day))) {
    const last = group.of[group.of.length - 1]
    if (group.kind === 'schemes' && customer.rhythm === 'weekly') {
      const weekEnd = DateTime.fromISO(group.day).startOf('week').minus({ days: 1 }).toISODate()!
      if (today <= weekEnd) continue
    }
    const byBrand = new Map<string, number>()
    for (const closing of group.of) {
      for (const [brand, amount] of nets.get(closing.id) ?? []) {
        if ((brand === 'girocard') !== (group.kind === 'girocard')) continue
        byBrand.set(brand, (byBrand.get(brand) ?? 0) + amount)
      }
    }
    const expected = sum([...byBrand.values()])
    if (expected <= 0) continue
    let gross = expected
    if (
      !shortDone &&
      group.kind === 'girocard' &&
      shortDay !== undefined &&
      group.day >= shortDay
    ) {
      gross -= 1250
      shortDone = true
    }
    const id = ++options.ids.payout
    let fees = 0
    for (const [brand, amount] of [...byBrand].sort()) {
      const fee = disagioMinor(brand, amount)
      if (fee === 0) continue
      fees += fee
      rows.fees.push({
        id: ++options.ids.fee,
        payout_id: id,
        card_brand: brand,
        kind: 'disagio',
        amount_minor: fee,
      })
    }
    const announced = DateTime.fromSQL(last.closed_at, { zone: 'utc' })
      .plus({ hours: 2 })
      .toFormat(SQL_FORMAT)
    const paid = group.day < today
    rows.payouts.push({
      id,
      customer_id: customer.id,
      reference: `${group.kind === 'girocard' ? 'GIRO' : 'KART'}${group.day.replaceAll('-', '')}${customer.customerNumber}`,
      value_date: group.day,
      currency: 'EUR',
      kind: group.kind,
      gross_minor: gross,
      fees_minor: fees,
      net_minor: gross - fees,
      iban_last4: customer.iban.slice(-4),
      status: paid ? 'paid' : 'expected',
      expected_gross_minor: expected,
      difference_minor: gross - expected,
      has_difference: gross !== expected ? 1 : 0,
      created_at: announced,
      updated_at: paid ? `${group.day} 06:00:00` : announced,
    })
    for (const closing of group.of) rows.links.push({ payout_id: id, closing_id: closing.id })
  }
  return rows
}

function firstAtOrAfter(sorted: string[], value: string) {
  let low = 0
  let high = sorted.length
  while (low < high) {
    const middle = (low + high) >> 1
    if (sorted[middle] < value) low = middle + 1
    else high = middle
  }
  return low
}

const zero = (): BrandTotals => ({
  sales: { count: 0, minor: 0 },
  refunds: { count: 0, minor: 0 },
  reversals: { count: 0, minor: 0 },
})
const net = (t: BrandTotals) => t.sales.minor - t.refunds.minor - t.reversals.minor
const count = (t: BrandTotals) => t.sales.count + t.refunds.count + t.reversals.count
const sum = (values: number[]) => values.reduce((total, value) => total + value, 0)
