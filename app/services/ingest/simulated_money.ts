import { randomInt } from 'node:crypto'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { containsPan } from '#services/security/card_number_guard'
import { BERLIN, expectedCredit, type SettlementRhythm } from '#services/money/bank_calendar'

/*
| The money side of `node ace transactions:simulate` (issue 16): once per simulated
| day each terminal sends its Kassenschnitt, and the acquirer's payouts follow —
| first announced as `expected`, `paid` once their value date has come. Everything
| goes through the same ingest API as the simulated transactions.
|
| The simulated clock runs `86400 / daySeconds` times as fast as the real one from the
| start of the run (real time by default). Closings carry the real time, as the API
| refuses future ones and links the payments stored up to then; the simulated date
| decides when a round happens, which terminals skip it and when a payout is paid.
*/

/** A terminal that has not closed for this many simulated days stays unclosed … */
const FORGOTTEN_AFTER_DAYS = 2
/** … until it closes by itself after 6 full days without a closing (girocard guarantee). */
const AUTOMATIC_AFTER_DAYS = 7
const SKIP_PROBABILITY = 0.08
const CLOSING_DIFFERENCE_PROBABILITY = 0.03
const PAYOUT_DIFFERENCE_PROBABILITY = 0.03
/* disagio per brand, in per mille of the net amount (examples, not a price list) */
export const DISAGIO_PER_MILLE: Record<string, number> = {
  girocard: 2,
  visa: 12,
  mastercard: 12,
  maestro: 9,
  vpay: 9,
  amex: 25,
}

type Totals = Record<'sales' | 'refunds' | 'reversals', { count: number; minor: number }>

type SimTerminal = {
  id: number
  tid: string
  customerNumber: string
  rhythm: SettlementRhythm
  ibanLast4: string | null
  nextNumber: number
  /** simulated day of the last closing, null before the first */
  lastClosedOn: string | null
}

type SentClosing = {
  terminal: SimTerminal
  closingNumber: number
  closedAt: DateTime
  /** net per brand as reported */
  nets: Map<string, number>
}

type PayoutGroup = { kind: 'girocard' | 'schemes'; valueDate: string; closings: SentClosing[] }

export type MoneyOptions = {
  /** real seconds per simulated day (86400 = real time) */
  daySeconds: number
  /** the simulated Berlin hour (0–23) of the daily closing round */
  closingHour: number
}

export class SimulatedMoney {
  readonly counts = { closings: 0, differences: 0, payouts: 0, paid: 0, failed: 0 }
  #terminals: SimTerminal[] = []
  #startedAt = Date.now()
  #nextRound!: DateTime
  /** weekly scheme payouts collecting the week's closings, by customer and value date */
  #weekly = new Map<string, PayoutGroup>()
  #baseUrl: string

  constructor(
    baseUrl: string,
    private token: string,
    private tids: string[],
    private options: MoneyOptions
  ) {
    this.#baseUrl = baseUrl
  }

  /** Loads the terminals' closing state and schedules the first round. */
  async init() {
    const rows: {
      id: number
      terminal_id: string
      customer_number: string
      settlement_rhythm: SettlementRhythm
      iban: string | null
      last_closed_at: Date | string | null
      last_number: number | null
    }[] = this.tids.length
      ? await db
          .from('terminals')
          .join('customers', 'customers.id', 'terminals.customer_id')
          .whereIn('terminals.terminal_id', this.tids)
          .select(
            'terminals.id',
            'terminals.terminal_id',
            'customers.customer_number',
            'customers.settlement_rhythm',
            'customers.iban',
            'terminals.last_closed_at',
            db
              .from('closings')
              .whereColumn('closings.terminal_id', 'terminals.id')
              .max('closing_number')
              .as('last_number')
          )
      : []
    this.#terminals = rows.map((row) => ({
      id: Number(row.id),
      tid: String(row.terminal_id),
      customerNumber: String(row.customer_number),
      rhythm: row.settlement_rhythm === 'daily' ? 'daily' : 'weekly',
      ibanLast4: row.iban ? String(row.iban).slice(-4) : null,
      nextNumber: Number(row.last_number ?? 0) + 1,
      lastClosedOn: row.last_closed_at ? berlinDay(row.last_closed_at) : null,
    }))
    const now = this.simNow()
    this.#nextRound = now.startOf('day').set({ hour: this.options.closingHour })
    if (this.#nextRound <= now) this.#nextRound = this.#nextRound.plus({ days: 1 })
  }

  /** The simulated time in Berlin. */
  simNow() {
    const factor = 86_400 / this.options.daySeconds
    const elapsed = (Date.now() - this.#startedAt) * factor
    return DateTime.fromMillis(this.#startedAt + elapsed, { zone: BERLIN })
  }

  /** Runs the day's round once the simulated clock has reached its closing hour. */
  async tick() {
    if (this.simNow() < this.#nextRound) return
    const day = this.#nextRound.toISODate()!
    this.#nextRound = this.#nextRound.plus({ days: 1 })
    /* a slow machine with a fast clock skips rounds instead of queueing them */
    while (this.#nextRound <= this.simNow()) this.#nextRound = this.#nextRound.plus({ days: 1 })
    await this.round(day)
  }

  /** One simulated day: closings, the payouts they cause, and the payouts now paid. */
  async round(day: string) {
    const closings = await this.#close(day)
    await this.#announce(day, closings)
    await this.#pay(day)
  }

  summary() {
    const { closings, differences, payouts, paid, failed } = this.counts
    return `${closings} closings (${differences} with difference), ${payouts} payouts expected, ${paid} paid, ${failed} money items failed`
  }

  async #close(day: string) {
    const items: {
      terminal: SimTerminal
      item: Record<string, unknown>
      nets: SentClosing['nets']
    }[] = []
    for (const terminal of this.#terminals) {
      const since = terminal.lastClosedOn ? daysBetween(terminal.lastClosedOn, day) : 1
      const automatic = since >= AUTOMATIC_AFTER_DAYS
      if (!automatic && (since > FORGOTTEN_AFTER_DAYS || Math.random() < SKIP_PROBABILITY)) continue
      const closedAt = DateTime.utc().startOf('second')
      const totals = await this.#unclosedTotals(terminal.id, closedAt)
      if (Math.random() < CLOSING_DIFFERENCE_PROBABILITY) misreport(totals)
      const nets = new Map<string, number>()
      for (const [brand, t] of totals) {
        nets.set(brand, t.sales.minor - t.refunds.minor - t.reversals.minor)
      }
      items.push({
        terminal,
        nets,
        item: {
          terminal_id: terminal.tid,
          closing_number: terminal.nextNumber,
          closed_at: closedAt.toISO(),
          automatic,
          totals: [...totals].map(([brand, t]) => ({
            card_brand: brand,
            sales_count: t.sales.count,
            sales_minor: t.sales.minor,
            refunds_count: t.refunds.count,
            refunds_minor: t.refunds.minor,
            reversals_count: t.reversals.count,
            reversals_minor: t.reversals.minor,
          })),
        },
      })
    }
    const sent: SentClosing[] = []
    for (let start = 0; start < items.length; start += 200) {
      const chunk = items.slice(start, start + 200)
      const body = await this.#post('closings', { closings: chunk.map((entry) => entry.item) })
      if (!body) continue
      for (const [index, result] of body.results.entries()) {
        const { terminal, item, nets } = chunk[index]
        if (result.status === 'rejected') {
          this.counts.failed++
          continue
        }
        terminal.nextNumber++
        terminal.lastClosedOn = day
        if (result.status !== 'created') continue
        this.counts.closings++
        if (result.has_difference) this.counts.differences++
        sent.push({
          terminal,
          closingNumber: Number(item.closing_number),
          closedAt: DateTime.fromISO(String(item.closed_at)),
          nets,
        })
      }
    }
    return sent
  }

  /** What the terminal would report: its approved payments stored since its last closing. */
  async #unclosedTotals(terminalId: number, closedAt: DateTime) {
    const rows: { card_brand: string; type: string; n: number; s: number }[] = await db
      .from('transactions')
      .where('terminal_id', terminalId)
      .whereNull('closing_id')
      .where('occurred_at', '<=', closedAt.toFormat('yyyy-MM-dd HH:mm:ss'))
      .where('status', 'approved')
      .whereIn('type', ['sale', 'refund', 'reversal'])
      .groupBy('card_brand', 'type')
      .select('card_brand', 'type', db.raw('COUNT(*) as n'), db.raw('SUM(amount_minor) as s'))
    const totals = new Map<string, Totals>()
    for (const row of rows) {
      const brand = totals.get(row.card_brand) ?? {
        sales: { count: 0, minor: 0 },
        refunds: { count: 0, minor: 0 },
        reversals: { count: 0, minor: 0 },
      }
      const side = row.type === 'sale' ? 'sales' : row.type === 'refund' ? 'refunds' : 'reversals'
      brand[side] = { count: Number(row.n), minor: Number(row.s) }
      totals.set(row.card_brand, brand)
    }
    return totals
  }

  /**
   * The acquirer announces its credits: girocard for the next bank business day, the
   * schemes per the customer's rhythm (daily: each day's closings; weekly: the week's
   * closings together, announced once the week is over).
   */
  async #announce(day: string, closings: SentClosing[]) {
    const credit = expectedCredit()
    const groups = new Map<string, PayoutGroup>()
    const add = (
      map: Map<string, PayoutGroup>,
      group: Omit<PayoutGroup, 'closings'>,
      c: SentClosing
    ) => {
      const key = `${c.terminal.customerNumber}|${group.kind}|${group.valueDate}`
      const entry = map.get(key) ?? { ...group, closings: [] }
      entry.closings.push(c)
      map.set(key, entry)
    }
    for (const closing of closings) {
      add(groups, { kind: 'girocard', valueDate: credit.girocard(closing.closedAt) }, closing)
      const schemes = {
        kind: 'schemes' as const,
        valueDate: credit.schemes(closing.closedAt, closing.terminal.rhythm),
      }
      add(closing.terminal.rhythm === 'daily' ? groups : this.#weekly, schemes, closing)
    }
    /* a weekly payout is announced when its week (Monday to Sunday) is over */
    for (const [key, group] of this.#weekly) {
      const weekEnd = DateTime.fromISO(group.valueDate).startOf('week').minus({ days: 1 })
      if (day < weekEnd.toISODate()!) continue
      groups.set(key, group)
      this.#weekly.delete(key)
    }

    const payouts = [...groups.values()].map((group) => payout(group)).filter((p) => p !== null)
    for (let start = 0; start < payouts.length; start += 200) {
      const body = await this.#post('payouts', { payouts: payouts.slice(start, start + 200) })
      if (!body) continue
      for (const result of body.results) {
        if (result.status === 'created') this.counts.payouts++
        else if (result.status === 'rejected') this.counts.failed++
      }
    }
  }

  /** The simulator's announced payouts whose value date has come are paid. */
  async #pay(day: string) {
    const numbers = [...new Set(this.#terminals.map((terminal) => terminal.customerNumber))]
    if (!numbers.length) return
    const rows: {
      reference: string
      customer_number: string
      value_date: Date | string
      gross_minor: number
      fees_minor: number
      net_minor: number
    }[] = await db
      .from('payouts')
      .join('customers', 'customers.id', 'payouts.customer_id')
      .whereIn('customers.customer_number', numbers)
      .where('payouts.status', 'expected')
      .where('payouts.reference', 'like', 'SIM-%')
      .where('payouts.value_date', '<=', day)
      .select(
        'payouts.reference',
        'customers.customer_number',
        'payouts.value_date',
        'payouts.gross_minor',
        'payouts.fees_minor',
        'payouts.net_minor'
      )
      .limit(200)
    if (!rows.length) return
    const body = await this.#post('payouts', {
      payouts: rows.map((row) => ({
        reference: row.reference,
        customer_number: row.customer_number,
        value_date: sqlDay(row.value_date),
        gross_minor: Number(row.gross_minor),
        fees_minor: Number(row.fees_minor),
        net_minor: Number(row.net_minor),
        status: 'paid',
      })),
    })
    for (const result of body?.results ?? []) {
      if (result.status === 'updated') this.counts.paid++
      else if (result.status === 'rejected') this.counts.failed++
    }
  }

  async #post(path: 'closings' | 'payouts', payload: unknown) {
    const response = await fetch(`${this.#baseUrl}/api/v1/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'authorization': `Bearer ${this.token}` },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(30_000),
    })
    /* 422 with per-item results: some were refused, the others stored */
    if (response.status !== 200 && response.status !== 422) {
      const items = (payload as Record<string, unknown[]>)[path]
      this.counts.failed += items.length
      throw new Error(`the ${path} API answered ${response.status}`)
    }
    return (await response.json()) as {
      results: { status: string; has_difference?: boolean }[]
    }
  }
}

/** The payout of a group of closings, or null when there is nothing to credit. */
function payout(group: PayoutGroup) {
  const first = group.closings[0]
  const nets = new Map<string, number>()
  for (const closing of group.closings) {
    for (const [brand, net] of closing.nets) {
      if ((brand === 'girocard') !== (group.kind === 'girocard')) continue
      nets.set(brand, (nets.get(brand) ?? 0) + net)
    }
  }
  let gross = [...nets.values()].reduce((sum, net) => sum + net, 0)
  if (gross <= 0) return null
  /* rarely the bank credits another amount than the closings add up to */
  if (Math.random() < PAYOUT_DIFFERENCE_PROBABILITY)
    gross -= randomInt(1, Math.min(gross, 2500) + 1)
  const fees = [...nets]
    .map(([brand, net]) => ({
      card_brand: brand,
      kind: 'disagio' as const,
      amount_minor: disagioMinor(brand, net),
    }))
    .filter((fee) => fee.amount_minor > 0)
  const feesMinor = fees.reduce((sum, fee) => sum + fee.amount_minor, 0)
  return {
    reference: reference(group.kind === 'girocard' ? 'G' : 'S', first.terminal.customerNumber),
    customer_number: first.terminal.customerNumber,
    value_date: group.valueDate,
    kind: group.kind,
    gross_minor: gross,
    fees_minor: feesMinor,
    net_minor: gross - feesMinor,
    iban_last4: first.terminal.ibanLast4,
    status: 'expected',
    fees,
    closings: group.closings.map((closing) => ({
      terminal_id: closing.terminal.tid,
      closing_number: closing.closingNumber,
    })),
  }
}

/** The acquirer's fee on a brand's net amount, in whole cents (half up), never negative. */
export function disagioMinor(brand: string, netMinor: number) {
  return Math.max(0, Math.round((netMinor * (DISAGIO_PER_MILLE[brand] ?? 15)) / 1000))
}

/** A reported total that does not match the payments (a lost or doubled receipt). */
function misreport(totals: Map<string, Totals>) {
  const brands = [...totals].filter(([, t]) => t.sales.count > 0)
  if (!brands.length) return
  const [, t] = brands[randomInt(brands.length)]
  if (t.sales.count > 1 && Math.random() < 0.5) {
    const lost = Math.min(t.sales.minor - 1, randomInt(200, 6000))
    t.sales = { count: t.sales.count - 1, minor: t.sales.minor - lost }
  } else {
    t.sales = { count: t.sales.count + 1, minor: t.sales.minor + randomInt(200, 6000) }
  }
}

function reference(kind: string, customerNumber: string): string {
  const stamp = Date.now().toString(36).toUpperCase()
  const text = `SIM-${kind}-${customerNumber}-${stamp}-${randomInt(36 ** 4)
    .toString(36)
    .toUpperCase()}`
  return containsPan(text) ? reference(kind, customerNumber) : text
}

function berlinDay(value: Date | string) {
  const instant =
    value instanceof Date
      ? DateTime.fromJSDate(value)
      : DateTime.fromSQL(String(value), { zone: 'utc' })
  return instant.setZone(BERLIN).toISODate()!
}

function sqlDay(value: Date | string) {
  return value instanceof Date
    ? DateTime.fromJSDate(value).toISODate()!
    : String(value).slice(0, 10)
}

function daysBetween(from: string, to: string) {
  return Math.round(DateTime.fromISO(to).diff(DateTime.fromISO(from), 'days').days)
}
