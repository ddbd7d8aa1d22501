import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { reader } from '#services/database/reader'
import type { CustomerScope } from '#services/merchant/customer_scope'
import { ZONE, type TransactionFilter } from '#services/merchant/transaction_filter'
import {
  TURNOVER_SQL,
  TransactionQuery,
  sqlTime,
  toUtc,
  turnoverSql,
} from '#services/merchant/transaction_query'
import { TransactionListService, toRow } from '#services/merchant/transaction_list_service'
import { TerminalService } from '#services/merchant/terminal_service'
import { PayoutService } from '#services/merchant/payout_service'
import { nextExpectedCredit, unclosedTerminals } from '#services/money/money_overview'

export const CHART_DAYS = 30

type Window = { from: DateTime; to: DateTime }

/** The dashboard's figures; every query limited to the scope's customer ids. */
export const DashboardService = {
  async overview(scope: CustomerScope) {
    const ids = scope.ids
    const now = DateTime.now().setZone(ZONE)
    const today = now.startOf('day')
    const month = now.startOf('month')
    /* today so far vs the same weekday last week up to the same time;
       this month so far vs the previous month up to the same day and time */
    const [todayFig, lastWeekFig, monthFig, lastMonthFig] = await Promise.all([
      figures(ids, { from: today, to: now }),
      figures(ids, { from: today.minus({ weeks: 1 }), to: now.minus({ weeks: 1 }) }),
      figures(ids, { from: month, to: now }),
      figures(ids, { from: month.minus({ months: 1 }), to: now.minus({ months: 1 }) }),
    ])
    const sinceId = await TransactionListService.maxId()
    const [daily, brands, latest, invoice, terminalPage] = await Promise.all([
      dailyTurnover(ids, today),
      brandMix(ids, today),
      latestTransactions(ids, now),
      /* only customers whose role may see invoices (CustomerPolicy) */
      newestInvoice(scope.idsAllowing('viewInvoices')),
      TerminalService.list(scope),
    ])
    const money = await moneyOverview(scope)
    return {
      today: todayFig,
      lastWeekDay: lastWeekFig,
      month: monthFig,
      lastMonth: lastMonthFig,
      daily,
      brands,
      latest,
      sinceId,
      invoice,
      /* the first page of the terminal list; the card links to the rest */
      terminals: terminalPage.terminals,
      terminalCount: terminalPage.total,
      ...money,
    }
  },
}

/**
 * The money cards: next expected credit and last payout (only customers whose role
 * may see payouts), terminals without a closing for 5 days or more (closings: all roles).
 */
async function moneyOverview(scope: CustomerScope) {
  const payoutIds = scope.idsAllowing('viewPayouts')
  const [nextCredit, lastPayout, unclosed] = await Promise.all([
    payoutIds.length ? nextExpectedCredit(payoutIds) : null,
    payoutIds.length ? PayoutService.latest(payoutIds) : null,
    unclosedTerminals(scope.idsAllowing('viewClosings')),
  ])
  return { showPayouts: payoutIds.length > 0, nextCredit, lastPayout, unclosed }
}

async function figures(ids: number[], window: Window) {
  const row = await reader()
    .from('transactions')
    .whereIn('customer_id', ids)
    .where('occurred_at', '>=', sqlTime(window.from))
    .where('occurred_at', '<', sqlTime(window.to))
    .select(
      db.raw(`COALESCE(SUM(${TURNOVER_SQL}), 0) as turnover`),
      db.raw(`SUM(CASE WHEN status = 'approved' THEN 1 ELSE 0 END) as approved`)
    )
    .first()
  return { turnover: Number(row?.turnover ?? 0), approved: Number(row?.approved ?? 0) }
}

/**
 * Turnover per Berlin day for the last 30 days (today included). The day
 * boundaries come from a derived table, so DST days stay right on both MariaDB
 * and SQLite without time-zone tables.
 */
async function dailyTurnover(ids: number[], today: DateTime) {
  const days = Array.from({ length: CHART_DAYS }, (_, i) =>
    today.minus({ days: CHART_DAYS - 1 - i })
  )
  const bounds = days.map((day) => [day.toISODate()!, sqlTime(day), sqlTime(day.plus({ days: 1 }))])
  const union = bounds.map(() => 'SELECT ? as day, ? as s, ? as e').join(' UNION ALL ')
  const rows = ids.length
    ? await reader()
        .from(db.raw(`(${union}) d`, bounds.flat()) as unknown as string)
        .join('transactions as t', (join) => {
          join.on('t.occurred_at', '>=', 'd.s').andOn('t.occurred_at', '<', 'd.e')
        })
        .whereIn('t.customer_id', ids)
        .groupBy('d.day')
        .select('d.day', db.raw(`SUM(${turnoverSql('t.')}) as turnover`))
    : []
  const byDay = new Map(rows.map((r: any) => [String(r.day), Number(r.turnover)]))
  return days.map((day) => ({ day: day.toISODate()!, turnover: byDay.get(day.toISODate()!) ?? 0 }))
}

/** Approved transactions per card brand over the chart's 30 days. */
async function brandMix(ids: number[], today: DateTime) {
  const rows = await reader()
    .from('transactions')
    .whereIn('customer_id', ids)
    .where('occurred_at', '>=', sqlTime(today.minus({ days: CHART_DAYS - 1 })))
    .where('status', 'approved')
    .groupBy('card_brand')
    .select('card_brand', db.raw('COUNT(*) as count'))
    .orderBy('count', 'desc')
  return rows.map((r: any) => ({ brand: String(r.card_brand), count: Number(r.count) }))
}

async function latestTransactions(ids: number[], now: DateTime) {
  const filter: TransactionFilter = {
    fromDate: '2000-01-01',
    toDate: now.toISODate()!,
    start: DateTime.fromISO('2000-01-01', { zone: 'utc' }),
    end: now.plus({ days: 1 }).startOf('day').toUTC(),
  }
  return (await TransactionQuery.page(ids, filter, {}, 10)).map(toRow)
}

/** The newest issued invoice (the invoices area owns the archive; we only link to it). */
async function newestInvoice(ids: number[]) {
  const row = await db
    .from('invoices')
    .whereIn('customer_id', ids)
    .whereIn('status', ['issued', 'cancelled'])
    .orderBy('issue_date', 'desc')
    .orderBy('id', 'desc')
    .select('id', 'number', 'period', 'issue_date', 'gross_minor', 'currency', 'status', 'kind')
    .first()
  if (!row) return null
  return {
    id: Number(row.id),
    number: row.number as string | null,
    period: row.period as string,
    issueDate: row.issue_date ? toUtc(row.issue_date) : null,
    grossMinor: Number(row.gross_minor),
    currency: row.currency as string,
    status: row.status as string,
    kind: row.kind as string,
  }
}
