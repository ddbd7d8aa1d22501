import { seekKeyset } from '#services/merchant/keyset'
import type { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { CustomerScope } from '#services/merchant/customer_scope'
import { OutOfScope } from '#services/merchant/customer_scope'
import { ROW_COLUMNS, sqlTime } from '#services/merchant/transaction_query'
import { toRow } from '#services/merchant/transaction_list_service'
import { berlinDay, isoDay, utcTime } from '#services/money/money_overview'

export const CLOSINGS_PER_PAGE = 50
export const CLOSING_TRANSACTIONS_PER_PAGE = 50

type Cursor = { at: string; id: number }

/** One brand of a closing: reported by the terminal and linked by the portal. */
export type ClosingBrand = {
  brand: string
  reported: { sales: Side; refunds: Side; reversals: Side; net: number; count: number }
  linked: { sales: Side; refunds: Side; reversals: Side; net: number; count: number }
  differenceMinor: number
}
type Side = { count: number; minor: number }

export type ClosingRow = {
  id: number
  customerId: number
  terminalDbId: number
  customerNumber: string
  closedAt: DateTime
  tid: string
  closingNumber: number
  automatic: boolean
  reportedCount: number
  reportedNetMinor: number
  linkedCount: number
  linkedNetMinor: number
  girocardNetMinor: number
  schemeNetMinor: number
  differenceMinor: number
  hasDifference: boolean
  girocardExpectedOn: DateTime
  schemeExpectedOn: DateTime
  brands: ClosingBrand[]
}

/** A payout as a closing or transaction names it. */
export type CoveringPayout = {
  id: number
  reference: string
  valueDate: DateTime
  status: string
  kind: string
  closingId: number
}

const COLUMNS = [
  'c.id',
  'c.customer_id',
  'c.terminal_id',
  'c.closed_at',
  'c.closing_number',
  'c.automatic',
  'c.reported_count',
  'c.reported_net_minor',
  'c.linked_count',
  'c.linked_net_minor',
  'c.girocard_net_minor',
  'c.scheme_net_minor',
  'c.difference_minor',
  'c.has_difference',
  'c.girocard_expected_on',
  'c.scheme_expected_on',
  'term.terminal_id as tid',
  'cu.customer_number',
]

/**
 * „Kassenschnitte“: a customer's closings, read only from `closings` and
 * `closing_totals` (never summed over transactions), newest first by keyset on
 * (customer_id, closed_at, id).
 */
export const ClosingService = {
  /** One page of closings (newest first) and its neighbours' cursors. */
  async list(scope: CustomerScope, query: { terminal?: string; after?: string; before?: string }) {
    const terminalDbId = query.terminal
      ? await ClosingService.terminalId(scope, query.terminal)
      : undefined
    const after = decode(query.after)
    const before = after ? undefined : decode(query.before)
    const page = async (seek: { after?: Cursor; before?: Cursor }) => {
      const q = base()
        .whereIn('c.customer_id', scope.ids)
        .limit(CLOSINGS_PER_PAGE + 1)
      if (terminalDbId) q.where('c.terminal_id', terminalDbId)
      return seekKeyset(q, 'c.closed_at', 'c.id', {
        after: seek.after && { value: seek.after.at, id: seek.after.id },
        before: seek.before && { value: seek.before.at, id: seek.before.id },
      })
    }
    let raw = await page({ after, before })
    let hasNext: boolean
    let hasPrev: boolean
    if (before && raw.length > CLOSINGS_PER_PAGE) {
      raw = raw.slice(0, CLOSINGS_PER_PAGE).reverse()
      hasPrev = true
      hasNext = true
    } else if (before) {
      /* back at the top: the real first page */
      raw = await page({})
      hasNext = raw.length > CLOSINGS_PER_PAGE
      raw = raw.slice(0, CLOSINGS_PER_PAGE)
      hasPrev = false
    } else {
      hasNext = raw.length > CLOSINGS_PER_PAGE
      raw = raw.slice(0, CLOSINGS_PER_PAGE)
      hasPrev = Boolean(after)
    }
    const closings = await withBrands(raw.map(toClosing))
    return {
      closings,
      terminalDbId,
      next: hasNext && closings.length ? encode(closings[closings.length - 1]) : null,
      prev: hasPrev && closings.length ? encode(closings[0]) : null,
    }
  },

  /** A TID of the scope as its row id; any other TID is the shared 404. */
  async terminalId(scope: CustomerScope, tid: string) {
    const row = await db
      .from('terminals')
      .where('terminal_id', tid)
      .whereIn('customer_id', scope.ids)
      .select('id')
      .first()
    if (!row) throw new OutOfScope()
    return Number(row.id)
  },

  /** One closing of the scope with its brands, or the shared 404. */
  async find(scope: CustomerScope, id: number): Promise<ClosingRow> {
    const raw = await base().where('c.id', id).whereIn('c.customer_id', scope.ids).first()
    if (!raw) throw new OutOfScope()
    const [closing] = await withBrands([toClosing(raw)])
    return closing
  },

  /** The transactions a closing covers, newest first, one numbered page. */
  async transactions(closing: ClosingRow, page: number) {
    const rows = await db
      .from('transactions as t')
      .join('terminals as term', 'term.id', 't.terminal_id')
      .join('customers as c', 'c.id', 't.customer_id')
      .where('t.terminal_id', closing.terminalDbId)
      .where('t.customer_id', closing.customerId)
      .where('t.closing_id', closing.id)
      .orderBy('t.occurred_at', 'desc')
      .orderBy('t.id', 'desc')
      .offset((page - 1) * CLOSING_TRANSACTIONS_PER_PAGE)
      .limit(CLOSING_TRANSACTIONS_PER_PAGE + 1)
      .select(ROW_COLUMNS)
    const total = await db
      .from('transactions')
      .where('terminal_id', closing.terminalDbId)
      .where('customer_id', closing.customerId)
      .where('closing_id', closing.id)
      .count('* as n')
      .first()
    const count = Number(total?.n ?? 0)
    return {
      rows: rows.slice(0, CLOSING_TRANSACTIONS_PER_PAGE).map(toRow),
      page,
      pages: Math.max(1, Math.ceil(count / CLOSING_TRANSACTIONS_PER_PAGE)),
      count,
    }
  },

  /** The payouts (any status) that name the closings. */
  async payoutsOf(closingIds: number[]): Promise<CoveringPayout[]> {
    if (!closingIds.length) return []
    const rows = await db
      .from('payout_closings as pc')
      .join('payouts as p', 'p.id', 'pc.payout_id')
      .whereIn('pc.closing_id', closingIds)
      .orderBy('p.value_date', 'asc')
      .orderBy('p.id', 'asc')
      .select('p.id', 'p.reference', 'p.value_date', 'p.status', 'p.kind', 'pc.closing_id')
    return rows.map((row) => ({
      id: Number(row.id),
      reference: String(row.reference),
      valueDate: berlinDay(isoDay(row.value_date)),
      status: String(row.status),
      kind: String(row.kind),
      closingId: Number(row.closing_id),
    }))
  },

  /**
   * The closing of a transaction of the scope (null: not closed yet) and the
   * payouts that cover it when its customer is one of `payoutCustomerIds`.
   */
  async ofTransaction(scope: CustomerScope, transactionId: number, payoutCustomerIds: number[]) {
    const row = await db
      .from('transactions as t')
      .join('closings as c', 'c.id', 't.closing_id')
      .where('t.id', transactionId)
      .whereIn('t.customer_id', scope.ids)
      .select('c.id', 'c.closing_number', 'c.closed_at', 'c.customer_id')
      .first()
    if (!row) return null
    const showPayouts = payoutCustomerIds.includes(Number(row.customer_id))
    return {
      id: Number(row.id),
      closingNumber: Number(row.closing_number),
      closedAt: utcTime(row.closed_at),
      showPayouts,
      payouts: showPayouts ? await ClosingService.payoutsOf([Number(row.id)]) : [],
    }
  },
}

const base = () =>
  db
    .from('closings as c')
    .join('terminals as term', 'term.id', 'c.terminal_id')
    .join('customers as cu', 'cu.id', 'c.customer_id')
    .select(COLUMNS)

function toClosing(raw: Record<string, any>): ClosingRow {
  return {
    id: Number(raw.id),
    customerId: Number(raw.customer_id),
    terminalDbId: Number(raw.terminal_id),
    customerNumber: String(raw.customer_number),
    closedAt: utcTime(raw.closed_at),
    tid: String(raw.tid),
    closingNumber: Number(raw.closing_number),
    automatic: Boolean(raw.automatic),
    reportedCount: Number(raw.reported_count),
    reportedNetMinor: Number(raw.reported_net_minor),
    linkedCount: Number(raw.linked_count),
    linkedNetMinor: Number(raw.linked_net_minor),
    girocardNetMinor: Number(raw.girocard_net_minor),
    schemeNetMinor: Number(raw.scheme_net_minor),
    differenceMinor: Number(raw.difference_minor),
    hasDifference: Boolean(raw.has_difference),
    girocardExpectedOn: berlinDay(isoDay(raw.girocard_expected_on)),
    schemeExpectedOn: berlinDay(isoDay(raw.scheme_expected_on)),
    brands: [],
  }
}

/** Adds each closing's per-brand totals (one query for the page). */
async function withBrands(closings: ClosingRow[]) {
  if (!closings.length) return closings
  const rows = await db
    .from('closing_totals')
    .whereIn(
      'closing_id',
      closings.map((closing) => closing.id)
    )
    .orderBy('card_brand')
  const side = (row: Record<string, any>, prefix: 'reported' | 'linked') => {
    const part = (kind: string) => ({
      count: Number(row[`${prefix}_${kind}_count`]),
      minor: Number(row[`${prefix}_${kind}_minor`]),
    })
    const sales = part('sales')
    const refunds = part('refunds')
    const reversals = part('reversals')
    return {
      sales,
      refunds,
      reversals,
      net: sales.minor - refunds.minor - reversals.minor,
      count: sales.count + refunds.count + reversals.count,
    }
  }
  const byClosing = new Map(closings.map((closing) => [closing.id, closing]))
  for (const row of rows) {
    const reported = side(row, 'reported')
    const linked = side(row, 'linked')
    byClosing.get(Number(row.closing_id))?.brands.push({
      brand: String(row.card_brand),
      reported,
      linked,
      differenceMinor: reported.net - linked.net,
    })
  }
  return closings
}

const encode = (closing: ClosingRow) =>
  `${closing.closedAt.toUTC().toFormat('yyyyMMddHHmmss')}-${closing.id}`

function decode(value: string | undefined): Cursor | undefined {
  const match = value ? /^(\d{14})-(\d{1,19})$/.exec(value) : null
  if (!match) return undefined
  const at = utcTime(
    `${match[1].slice(0, 4)}-${match[1].slice(4, 6)}-${match[1].slice(6, 8)} ${match[1].slice(8, 10)}:${match[1].slice(10, 12)}:${match[1].slice(12, 14)}`
  )
  if (!at.isValid) return undefined
  return { at: sqlTime(at), id: Number(match[2]) }
}
