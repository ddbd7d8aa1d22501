import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { screenBatch, validateClosing, type ClosingItem } from '#services/ingest/money_items'
import type { FieldError } from '#services/ingest/item_validator'
import { expectedCredit, type SettlementRhythm } from '#services/money/bank_calendar'
import { sumMinor } from '#services/money/amounts'

export type ClosingResult =
  | {
      index: number
      status: 'created'
      terminal_id: string
      closing_number: number
      id: number
      linked_count: number
      difference_minor: number
      has_difference: boolean
    }
  | { index: number; status: 'duplicate'; terminal_id: string; closing_number: number }
  | { index: number; status: 'rejected'; errors: FieldError[] }

export type MoneyCounts = { created: number; duplicate: number; updated: number; rejected: number }

type TerminalRow = {
  id: number
  terminal_id: string
  customer_id: number
  settlement_rhythm: SettlementRhythm
}

type Side = { count: number; minor: number }
type BrandTotals = { sales: Side; refunds: Side; reversals: Side }
const zero = (): BrandTotals => ({
  sales: { count: 0, minor: 0 },
  refunds: { count: 0, minor: 0 },
  reversals: { count: 0, minor: 0 },
})
const KIND_OF_TYPE = { sale: 'sales', refund: 'refunds', reversal: 'reversals' } as const

/**
 * `POST /api/v1/closings`: a terminal's Kassenschnitt. Each new closing links the
 * terminal's unclosed transactions up to its time (one set-based UPDATE), compares
 * what the terminal reported with what it linked, and stores the difference.
 * Idempotent by terminal + closing number. Rules: docs/money.md.
 */
export class ClosingIngest {
  async ingest(items: unknown[], jsonText?: string | null) {
    const { rejected, valid } = await screenBatch(items, jsonText, validateClosing)
    const results = rejected as ClosingResult[]

    const terminals = await this.#terminals(valid.map(({ item }) => item.terminal_id))
    for (const { index, item } of valid) {
      const terminal = terminals.get(item.terminal_id)
      if (!terminal) {
        results[index] = {
          index,
          status: 'rejected',
          errors: [{ message: 'Unknown Terminal-ID', rule: 'exists', field: 'terminal_id' }],
        }
        continue
      }
      results[index] = await this.#store(index, item, terminal)
    }
    return { results, counts: countResults(results) }
  }

  async #terminals(tids: string[]) {
    const unique = [...new Set(tids)]
    const rows: TerminalRow[] = unique.length
      ? await db
          .from('terminals')
          .join('customers', 'customers.id', 'terminals.customer_id')
          .whereIn('terminals.terminal_id', unique)
          .select(
            'terminals.id',
            'terminals.terminal_id',
            'terminals.customer_id',
            'customers.settlement_rhythm'
          )
      : []
    return new Map(rows.map((row) => [String(row.terminal_id), row]))
  }

  async #store(index: number, item: ClosingItem, terminal: TerminalRow): Promise<ClosingResult> {
    const duplicate = {
      index,
      status: 'duplicate' as const,
      terminal_id: item.terminal_id,
      closing_number: item.closing_number,
    }
    const existing = await db
      .from('closings')
      .where('terminal_id', terminal.id)
      .where('closing_number', item.closing_number)
      .first()
    if (existing) return duplicate
    try {
      return await retryOnDeadlock(() =>
        db.transaction((trx) => this.#insert(trx, index, item, terminal))
      )
    } catch (error) {
      /* a concurrent request stored the same closing first */
      if (isUniqueViolation(error)) return duplicate
      throw error
    }
  }

  async #insert(
    trx: TransactionClientContract,
    index: number,
    item: ClosingItem,
    terminal: TerminalRow
  ): Promise<ClosingResult> {
    const closedAt = DateTime.fromISO(item.closed_at, { zone: 'utc' })
    const closedAtSql = closedAt.toFormat('yyyy-MM-dd HH:mm:ss')
    const credit = expectedCredit()
    const reported = new Map<string, BrandTotals>()
    for (const total of item.totals) {
      reported.set(total.card_brand, {
        sales: { count: total.sales_count, minor: total.sales_minor },
        refunds: { count: total.refunds_count ?? 0, minor: total.refunds_minor ?? 0 },
        reversals: { count: total.reversals_count ?? 0, minor: total.reversals_minor ?? 0 },
      })
    }
    /* without reversal figures, a terminal reports its sales net of reversed ones */
    const reversalsReported = item.totals.some(
      (total) => total.reversals_count !== undefined || total.reversals_minor !== undefined
    )

    const [id] = await trx.table('closings').insert({
      customer_id: terminal.customer_id,
      terminal_id: terminal.id,
      closing_number: item.closing_number,
      closed_at: closedAtSql,
      automatic: item.automatic ?? false,
      business_date: credit.businessDate(closedAt),
      girocard_expected_on: credit.girocard(closedAt),
      scheme_expected_on: credit.schemes(closedAt, terminal.settlement_rhythm),
      created_at: DateTime.utc().toFormat('yyyy-MM-dd HH:mm:ss'),
    })
    const closingId = Number(id)

    /* the link: this terminal's unclosed payments up to the closing's time, in one statement —
       only the customer's own: a terminal moved to another customer (import) leaves the
       previous customer's open payments to that customer */
    await trx
      .from('transactions')
      .where('terminal_id', terminal.id)
      .where('customer_id', terminal.customer_id)
      .whereNull('closing_id')
      .where('occurred_at', '<=', closedAtSql)
      .update({ closing_id: closingId })

    const linkedRows: {
      card_brand: string
      type: keyof typeof KIND_OF_TYPE
      n: number
      s: number
    }[] = await trx
      .from('transactions')
      .where('terminal_id', terminal.id)
      .where('closing_id', closingId)
      .where('status', 'approved')
      .whereIn('type', ['sale', 'refund', 'reversal'])
      .groupBy('card_brand', 'type')
      .select('card_brand', 'type', trx.raw('COUNT(*) as n'), trx.raw('SUM(amount_minor) as s'))
    const linked = new Map<string, BrandTotals>()
    for (const row of linkedRows) {
      const totals = linked.get(row.card_brand) ?? zero()
      totals[KIND_OF_TYPE[row.type]] = { count: Number(row.n), minor: Number(row.s) }
      linked.set(row.card_brand, totals)
    }

    const brands = [...new Set([...reported.keys(), ...linked.keys()])].sort()
    let countsDiffer = false
    const net = (totals: BrandTotals) =>
      totals.sales.minor - totals.refunds.minor - totals.reversals.minor
    const totalRows = brands.map((brand) => {
      const r = reported.get(brand) ?? zero()
      const l = linked.get(brand) ?? zero()
      if (reversalsReported) {
        countsDiffer ||=
          r.sales.count !== l.sales.count ||
          r.refunds.count !== l.refunds.count ||
          r.reversals.count !== l.reversals.count
      } else {
        countsDiffer ||=
          r.sales.count !== l.sales.count - l.reversals.count || r.refunds.count !== l.refunds.count
      }
      /* per brand, not only in sum: girocard +50 € and Visa −50 € is two differences, not none
         (and would split the expected credits wrongly between next day and the schemes' rhythm) */
      countsDiffer ||= net(r) !== net(l)
      return {
        closing_id: closingId,
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
      }
    })
    if (totalRows.length) await trx.table('closing_totals').multiInsert(totalRows)

    const reportedNet = sumMinor([...reported.values()].map(net))
    const linkedNet = sumMinor([...linked.values()].map(net))
    const girocardNet = reported.has('girocard') ? net(reported.get('girocard')!) : 0
    const difference = reportedNet - linkedNet
    const hasDifference = difference !== 0 || countsDiffer
    const sideCount = (totals: BrandTotals) =>
      totals.sales.count + totals.refunds.count + totals.reversals.count
    const linkedCount = linkedRows.reduce((sum, row) => sum + Number(row.n), 0)
    await trx
      .from('closings')
      .where('id', closingId)
      .update({
        reported_count: sumMinor([...reported.values()].map(sideCount)),
        reported_net_minor: reportedNet,
        girocard_net_minor: girocardNet,
        scheme_net_minor: reportedNet - girocardNet,
        linked_count: linkedCount,
        linked_net_minor: linkedNet,
        difference_minor: difference,
        has_difference: hasDifference,
      })
    await trx
      .from('terminals')
      .where('id', terminal.id)
      .where((query) =>
        query.whereNull('last_closed_at').orWhere('last_closed_at', '<', closedAtSql)
      )
      .update({ last_closed_at: closedAtSql })

    return {
      index,
      status: 'created',
      terminal_id: item.terminal_id,
      closing_number: item.closing_number,
      id: closingId,
      linked_count: linkedCount,
      difference_minor: difference,
      has_difference: hasDifference,
    }
  }
}

export function countResults(results: { status: keyof MoneyCounts }[]): MoneyCounts {
  const counts: MoneyCounts = { created: 0, duplicate: 0, updated: 0, rejected: 0 }
  for (const result of results) counts[result.status]++
  return counts
}

/** A duplicate key (MariaDB 1062, SQLite UNIQUE/PRIMARY KEY constraint). */
export function isUniqueViolation(error: unknown) {
  const { errno, code } = error as { errno?: number; code?: string }
  return errno === 1062 || (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT'))
}

/** Runs a transaction again when InnoDB chose it as a deadlock victim (or its lock wait timed out). */
export async function retryOnDeadlock<T>(run: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run()
    } catch (error) {
      const errno = (error as { errno?: number }).errno
      if (attempt >= attempts || (errno !== 1213 && errno !== 1205)) throw error
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt))
    }
  }
}
