import db from '@adonisjs/lucid/services/db'
import type { CustomerScope } from '#services/merchant/customer_scope'
import { OutOfScope } from '#services/merchant/customer_scope'
import { rowsOf } from '#services/database/rows'
import { reader } from '#services/database/reader'
import type { TransactionFilter } from '#services/merchant/transaction_filter'
import {
  TransactionQuery,
  decodeCursor,
  encodeCursor,
  utcDate,
  ROW_COLUMNS,
} from '#services/merchant/transaction_query'

export const PAGE_SIZE = 50

/** One transaction as pages and the export show it: the card only as brand + last 4. */
export type TransactionRow = {
  id: number
  /** the UTC instant (a Date: a page has 50 rows, luxon per row cost 4 % of it) */
  occurredAt: Date
  tid: string
  customerNumber: string
  type: string
  status: string
  amountMinor: number
  currency: string
  cardBrand: string
  last4: string | null
  authCode: string | null
  receiptNumber: string | null
  reference: string
}

export function toRow(raw: Record<string, any>): TransactionRow {
  return {
    id: Number(raw.id),
    occurredAt: utcDate(raw.occurred_at),
    tid: raw.tid,
    customerNumber: raw.customer_number,
    type: raw.type,
    status: raw.status,
    amountMinor: Number(raw.amount_minor),
    currency: raw.currency,
    cardBrand: raw.card_brand,
    last4: raw.pan_last4 && /^\d{4}$/.test(raw.pan_last4) ? raw.pan_last4 : null,
    authCode: raw.auth_code,
    receiptNumber: raw.receipt_number,
    reference: raw.reference,
  }
}

export const TransactionListService = {
  /**
   * Resolves a TID filter to the terminal's row id — only within the scope;
   * any other TID gives the shared 404.
   */
  async scopeFilter(scope: CustomerScope, filter: TransactionFilter) {
    if (!filter.terminal) return filter
    const terminal = await db
      .from('terminals')
      .where('terminal_id', filter.terminal)
      .whereIn('customer_id', scope.ids)
      .select('id')
      .first()
    if (!terminal) throw new OutOfScope()
    return { ...filter, terminalDbId: Number(terminal.id) }
  },

  /** One keyset page (newest first), its neighbours' cursors and the filtered totals. */
  async list(
    scope: CustomerScope,
    filter: TransactionFilter,
    cursors: { after?: string; before?: string }
  ) {
    const ids = scope.ids
    /* read before the page, so the live feed misses nothing inserted meanwhile */
    const sinceId = await TransactionListService.maxId()
    /* one direction: `after` wins over a `before` sent with it (as on the closings and payouts) */
    const after = decodeCursor(cursors.after)
    let seek = { after, before: after ? undefined : decodeCursor(cursors.before) }
    let raw = await TransactionQuery.page(ids, filter, seek, PAGE_SIZE + 1)
    let hasNext = false
    let hasPrev = false
    if (seek.before) {
      hasPrev = raw.length > PAGE_SIZE
      raw = raw.slice(0, PAGE_SIZE).reverse()
      hasNext = true
      if (!hasPrev) {
        /* back at the top: show the real first page (with the live feed) */
        seek = { after: undefined, before: undefined }
        raw = await TransactionQuery.page(ids, filter, seek, PAGE_SIZE + 1)
      }
    }
    if (!seek.before) {
      hasNext = raw.length > PAGE_SIZE
      raw = raw.slice(0, PAGE_SIZE)
      hasPrev = Boolean(seek.after)
    }
    const rows = raw.map(toRow)
    const totals = await TransactionQuery.totals(ids, filter)
    return {
      rows,
      totals,
      sinceId,
      isFirstPage: !seek.after && !seek.before,
      next: hasNext && raw.length ? encodeCursor(raw[raw.length - 1]) : null,
      prev: hasPrev && raw.length ? encodeCursor(raw[0]) : null,
    }
  },

  /** Matching rows inserted after `sinceId` (the live feed's fetch). */
  async newRows(scope: CustomerScope, filter: TransactionFilter, sinceId: number) {
    const raw = await TransactionQuery.newerThan(scope.ids, filter, sinceId)
    return raw.map(toRow)
  },

  /** A single transaction of the scope, or the shared 404. */
  async find(scope: CustomerScope, id: number) {
    const raw = await db
      .from('transactions as t')
      .join('terminals as term', 'term.id', 't.terminal_id')
      .join('customers as c', 'c.id', 't.customer_id')
      .where('t.id', id)
      .whereIn('t.customer_id', scope.ids)
      .select(ROW_COLUMNS)
      .first()
    if (!raw) throw new OutOfScope()
    return toRow(raw)
  },

  /** Every terminal of the scope, for the filter's terminal choice (TID and city). */
  async terminalChoices(scope: CustomerScope) {
    if (!scope.ids.length) return []
    /* as text: it runs on every list page (docs/performance.md) */
    const rows = rowsOf(
      await db.rawQuery(
        `SELECT terminal_id, city FROM terminals WHERE customer_id IN (${scope.ids.map(() => '?').join(', ')}) ORDER BY terminal_id`,
        scope.ids
      )
    )
    return rows.map((row) => ({ tid: String(row.terminal_id), city: row.city as string | null }))
  },

  /**
   * The newest id the page can see: read where the page is read (a replica may lag the
   * primary), so a row the replica has not got yet is above it and the live feed brings it.
   */
  async maxId() {
    const row = rowsOf(await reader().rawQuery('SELECT MAX(id) AS max FROM transactions'))[0]
    return Number(row?.max ?? 0)
  },
}
