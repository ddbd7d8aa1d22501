import { seekKeyset } from '#services/merchant/keyset'
import type { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { CustomerScope } from '#services/merchant/customer_scope'
import { OutOfScope } from '#services/merchant/customer_scope'
import { allocate } from '#services/money/amounts'
import { berlinDay, isoDay, utcTime } from '#services/money/money_overview'

export const PAYOUTS_PER_PAGE = 50

type Cursor = { day: string; id: number }

export type PayoutRow = {
  id: number
  customerNumber: string
  reference: string
  valueDate: DateTime
  valueDay: string
  currency: string
  kind: string
  grossMinor: number
  feesMinor: number
  netMinor: number
  ibanLast4: string | null
  status: string
  expectedGrossMinor: number | null
  differenceMinor: number
  hasDifference: boolean
  closingCount: number
}

const columns = () => [
  'p.id',
  'p.reference',
  'p.value_date',
  'p.currency',
  'p.kind',
  'p.gross_minor',
  'p.fees_minor',
  'p.net_minor',
  'p.iban_last4',
  'p.status',
  'p.expected_gross_minor',
  'p.difference_minor',
  'p.has_difference',
  'cu.customer_number',
  db.raw('(SELECT COUNT(*) FROM payout_closings pc WHERE pc.payout_id = p.id) as closing_count'),
]

/** „Auszahlungen“: a customer's payouts by value date, newest first (keyset on the index). */
export const PayoutService = {
  /** One page of payouts and its neighbours' cursors. */
  async list(customerIds: number[], query: { after?: string; before?: string }) {
    const after = decode(query.after)
    const before = after ? undefined : decode(query.before)
    let raw = await page(customerIds, { after, before }, PAYOUTS_PER_PAGE + 1)
    let hasNext: boolean
    let hasPrev: boolean
    if (before && raw.length > PAYOUTS_PER_PAGE) {
      raw = raw.slice(0, PAYOUTS_PER_PAGE).reverse()
      hasPrev = true
      hasNext = true
    } else if (before) {
      raw = await page(customerIds, {}, PAYOUTS_PER_PAGE + 1)
      hasNext = raw.length > PAYOUTS_PER_PAGE
      raw = raw.slice(0, PAYOUTS_PER_PAGE)
      hasPrev = false
    } else {
      hasNext = raw.length > PAYOUTS_PER_PAGE
      raw = raw.slice(0, PAYOUTS_PER_PAGE)
      hasPrev = Boolean(after)
    }
    const payouts = raw.map(toPayout)
    return {
      payouts,
      next: hasNext && payouts.length ? encode(payouts[payouts.length - 1]) : null,
      prev: hasPrev && payouts.length ? encode(payouts[0]) : null,
    }
  },

  /** The newest payout of the customers (the dashboard's „Letzte Auszahlung“). */
  async latest(customerIds: number[]) {
    const [row] = await page(customerIds, {}, 1)
    return row ? toPayout(row) : null
  },

  /** Every payout, newest first, in batches (the CSV export). */
  async *batches(customerIds: number[], size = 1000) {
    let after: Cursor | undefined
    while (true) {
      const raw = await page(customerIds, { after }, size)
      if (raw.length) yield raw.map(toPayout)
      if (raw.length < size) return
      const last = toPayout(raw[raw.length - 1])
      after = { day: last.valueDay, id: last.id }
    }
  },

  /**
   * One payout of the customers with its fee lines and the closings it covers,
   * each with its share of the fees (largest remainder, `allocate`), or the 404.
   */
  async find(scope: CustomerScope, id: number) {
    const raw = await base().where('p.id', id).whereIn('p.customer_id', scope.ids).first()
    if (!raw) throw new OutOfScope()
    const payout = toPayout(raw)
    const fees = await db
      .from('payout_fees')
      .where('payout_id', payout.id)
      .orderByRaw('card_brand IS NULL')
      .orderBy('card_brand')
      .orderBy('kind')
      .orderBy('id')
      .select('card_brand', 'kind', 'amount_minor')
    const closingRows = await db
      .from('payout_closings as pc')
      .join('closings as c', 'c.id', 'pc.closing_id')
      .join('terminals as term', 'term.id', 'c.terminal_id')
      .where('pc.payout_id', payout.id)
      .orderBy('c.closed_at', 'asc')
      .orderBy('c.id', 'asc')
      .select(
        'c.id',
        'c.closing_number',
        'c.closed_at',
        'c.reported_net_minor',
        'c.girocard_net_minor',
        'c.scheme_net_minor',
        'c.has_difference',
        'term.terminal_id as tid'
      )
    const part = (row: Record<string, any>) =>
      Number(
        payout.kind === 'girocard'
          ? row.girocard_net_minor
          : payout.kind === 'schemes'
            ? row.scheme_net_minor
            : row.reported_net_minor
      )
    const shares = allocate(payout.feesMinor, closingRows.map(part))
    return {
      payout,
      fees: fees.map((fee) => ({
        brand: fee.card_brand as string | null,
        kind: String(fee.kind),
        amountMinor: Number(fee.amount_minor),
      })),
      closings: closingRows.map((row, index) => ({
        id: Number(row.id),
        tid: String(row.tid),
        closingNumber: Number(row.closing_number),
        closedAt: utcTime(row.closed_at),
        amountMinor: part(row),
        feeShareMinor: shares[index],
        hasDifference: Boolean(row.has_difference),
      })),
    }
  },
}

const base = () =>
  db.from('payouts as p').join('customers as cu', 'cu.id', 'p.customer_id').select(columns())

/* keyset on payouts_customer_keyset (customer_id, value_date, id) */
function page(customerIds: number[], seek: { after?: Cursor; before?: Cursor }, limit: number) {
  const q = base().whereIn('p.customer_id', customerIds).limit(limit)
  return seekKeyset(q, 'p.value_date', 'p.id', {
    after: seek.after && { value: seek.after.day, id: seek.after.id },
    before: seek.before && { value: seek.before.day, id: seek.before.id },
  })
}

function toPayout(raw: Record<string, any>): PayoutRow {
  const day = isoDay(raw.value_date)
  return {
    id: Number(raw.id),
    customerNumber: String(raw.customer_number),
    reference: String(raw.reference),
    valueDate: berlinDay(day),
    valueDay: day,
    currency: String(raw.currency),
    kind: String(raw.kind),
    grossMinor: Number(raw.gross_minor),
    feesMinor: Number(raw.fees_minor),
    netMinor: Number(raw.net_minor),
    ibanLast4: raw.iban_last4 ? String(raw.iban_last4) : null,
    status: String(raw.status),
    expectedGrossMinor: raw.expected_gross_minor === null ? null : Number(raw.expected_gross_minor),
    differenceMinor: Number(raw.difference_minor),
    hasDifference: Boolean(raw.has_difference),
    closingCount: Number(raw.closing_count ?? 0),
  }
}

const encode = (payout: PayoutRow) => `${payout.valueDay.replaceAll('-', '')}-${payout.id}`

function decode(value: string | undefined): Cursor | undefined {
  const match = value ? /^(\d{4})(\d{2})(\d{2})-(\d{1,19})$/.exec(value) : null
  if (!match) return undefined
  return { day: `${match[1]}-${match[2]}-${match[3]}`, id: Number(match[4]) }
}
