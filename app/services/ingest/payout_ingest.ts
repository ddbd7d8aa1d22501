import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { screenBatch, validatePayout, type PayoutItem } from '#services/ingest/money_items'
import type { FieldError } from '#services/ingest/item_validator'
import { countResults, isUniqueViolation, retryOnDeadlock } from '#services/ingest/closing_ingest'
import { sumMinor } from '#services/money/amounts'
import { isoDay } from '#services/money/money_overview'

export type PayoutResult =
  | {
      index: number
      status: 'created'
      reference: string
      id: number
      expected_gross_minor: number | null
      difference_minor: number
      has_difference: boolean
    }
  | { index: number; status: 'updated'; reference: string; payout_status: string }
  | { index: number; status: 'duplicate'; reference: string }
  | { index: number; status: 'rejected'; reference?: string; errors: FieldError[] }

/** expected → paid or returned; paid → returned (a credit the bank sent back). */
const NEXT_STATUSES: Record<string, readonly string[]> = {
  expected: ['paid', 'returned'],
  paid: ['returned'],
  returned: [],
}

type ClosingRow = {
  id: number
  customer_id: number
  tid: string
  closing_number: number
  reported_net_minor: number
  girocard_net_minor: number
  scheme_net_minor: number
}

/**
 * `POST /api/v1/payouts`: the credits to the merchant's bank account. Idempotent by
 * reference; a repeat may only move the status on (expected → paid | returned,
 * paid → returned). A payout is matched with the closings it covers: the part of
 * their reported amounts its kind credits is the expected gross, and a payout whose
 * gross differs stores and shows the difference (docs/money.md).
 */
export class PayoutIngest {
  async ingest(items: unknown[], jsonText?: string | null) {
    const { rejected, valid } = await screenBatch(items, jsonText, validatePayout, echo)
    const results = rejected as PayoutResult[]

    const numbers = [...new Set(valid.map(({ item }) => item.customer_number))]
    const customers: { id: number; customer_number: string }[] = numbers.length
      ? await db
          .from('customers')
          .whereIn('customer_number', numbers)
          .select('id', 'customer_number')
      : []
    const customerIds = new Map(customers.map((row) => [String(row.customer_number), row.id]))

    for (const { index, item } of valid) {
      const customerId = customerIds.get(item.customer_number)
      if (!customerId) {
        results[index] = reject(index, item, 'customer_number', 'exists', 'Unknown customer number')
        continue
      }
      results[index] = await this.#store(index, item, customerId)
    }
    return { results, counts: countResults(results) }
  }

  async #store(index: number, item: PayoutItem, customerId: number): Promise<PayoutResult> {
    const existing = await db.from('payouts').where('reference', item.reference).first()
    if (existing) return this.#repeat(index, item, existing, customerId)

    const covered = await this.#closings(item, customerId)
    if (!Array.isArray(covered))
      return { index, status: 'rejected', reference: item.reference, errors: [covered] }

    const kind = item.kind ?? 'all'
    const now = DateTime.utc().toFormat('yyyy-MM-dd HH:mm:ss')
    try {
      const stored = await retryOnDeadlock(() =>
        db.transaction(async (trx) => {
          const expected = await expectedGross(trx, covered, kind)
          const difference = expected === null ? 0 : item.gross_minor - expected
          const [payoutId] = await trx.table('payouts').insert({
            customer_id: customerId,
            reference: item.reference,
            value_date: item.value_date,
            currency: item.currency ?? 'EUR',
            kind,
            gross_minor: item.gross_minor,
            fees_minor: item.fees_minor,
            net_minor: item.net_minor,
            iban_last4: item.iban_last4 ?? null,
            status: item.status,
            expected_gross_minor: expected,
            difference_minor: difference,
            has_difference: difference !== 0,
            created_at: now,
            updated_at: now,
          })
          const unique = [...new Set(covered.map((closing) => closing.id))]
          if (unique.length) {
            await trx
              .table('payout_closings')
              .multiInsert(
                unique.map((closingId) => ({ payout_id: payoutId, closing_id: closingId }))
              )
          }
          if (item.fees?.length) {
            await trx.table('payout_fees').multiInsert(
              item.fees.map((fee) => ({
                payout_id: payoutId,
                card_brand: fee.card_brand ?? null,
                kind: fee.kind,
                amount_minor: fee.amount_minor,
              }))
            )
          }
          return { id: Number(payoutId), expected, difference }
        })
      )
      return {
        index,
        status: 'created',
        reference: item.reference,
        id: stored.id,
        expected_gross_minor: stored.expected,
        difference_minor: stored.difference,
        has_difference: stored.difference !== 0,
      }
    } catch (error) {
      if (!isUniqueViolation(error)) throw error
      /* a concurrent batch stored the same reference first: judge this one as a repeat of it
         (a newer status is taken, not dropped as a duplicate) */
      const stored = await db.from('payouts').where('reference', item.reference).first()
      if (!stored) throw error
      return this.#repeat(index, item, stored, customerId)
    }
  }

  /** The closings a payout names, all of its own customer; the first unknown one refuses it. */
  async #closings(item: PayoutItem, customerId: number): Promise<ClosingRow[] | FieldError> {
    const wanted = item.closings ?? []
    if (!wanted.length) return []
    const rows: ClosingRow[] = await db
      .from('closings')
      .join('terminals', 'terminals.id', 'closings.terminal_id')
      .where('closings.customer_id', customerId)
      .whereIn(
        'terminals.terminal_id',
        wanted.map((closing) => closing.terminal_id)
      )
      .whereIn(
        'closings.closing_number',
        wanted.map((closing) => closing.closing_number)
      )
      .select(
        'closings.id',
        'closings.customer_id',
        'terminals.terminal_id as tid',
        'closings.closing_number',
        'closings.reported_net_minor',
        'closings.girocard_net_minor',
        'closings.scheme_net_minor'
      )
    const byKey = new Map(rows.map((row) => [`${row.tid}/${row.closing_number}`, row]))
    const found: ClosingRow[] = []
    for (const [position, closing] of wanted.entries()) {
      const row = byKey.get(`${closing.terminal_id}/${closing.closing_number}`)
      if (!row) {
        return {
          field: `closings.${position}`,
          rule: 'exists',
          message: `Unknown closing ${closing.terminal_id}/${closing.closing_number} for this customer; send the closing first`,
        }
      }
      found.push(row)
    }
    return found
  }

  /** The same reference again: a status step, a repeat, or a conflict. */
  async #repeat(
    index: number,
    item: PayoutItem,
    existing: Record<string, any>,
    customerId: number
  ): Promise<PayoutResult> {
    /* the driver's DATE (UTC midnight), read in UTC whatever the server's time zone */
    const storedDay = isoDay(existing.value_date)
    const same =
      Number(existing.customer_id) === customerId &&
      storedDay === item.value_date &&
      Number(existing.gross_minor) === item.gross_minor &&
      Number(existing.fees_minor) === item.fees_minor &&
      Number(existing.net_minor) === item.net_minor
    if (!same) {
      return reject(
        index,
        item,
        'reference',
        'conflict',
        'A payout with this reference exists with other customer, date or amounts; only its status may change'
      )
    }
    if (existing.status === item.status) {
      return { index, status: 'duplicate', reference: item.reference }
    }
    if (!NEXT_STATUSES[existing.status]?.includes(item.status)) {
      return reject(
        index,
        item,
        'status',
        'transition',
        `The status cannot go from ${existing.status} to ${item.status}`
      )
    }
    const changed = await db
      .from('payouts')
      .where('id', existing.id)
      .where('status', existing.status)
      .update({ status: item.status, updated_at: DateTime.utc().toFormat('yyyy-MM-dd HH:mm:ss') })
    if (!Number(changed)) {
      /* another batch moved it meanwhile (statuses only move forward): judge this status
         against where the payout is now, so „bezahlt“ never overwrites „zurückgebucht“ */
      const now = await db.from('payouts').where('id', existing.id).first()
      return this.#repeat(index, item, now, customerId)
    }
    return { index, status: 'updated', reference: item.reference, payout_status: item.status }
  }
}

function reject(
  index: number,
  item: PayoutItem,
  field: string,
  rule: string,
  message: string
): PayoutResult {
  return {
    index,
    status: 'rejected',
    reference: item.reference,
    errors: [{ field, rule, message }],
  }
}

function echo(raw: unknown) {
  const reference = (raw as { reference?: unknown } | null)?.reference
  return typeof reference === 'string' ? reference.slice(0, 64) : undefined
}

type Part = 'girocard' | 'schemes'
const PARTS: Record<string, Part[]> = {
  girocard: ['girocard'],
  schemes: ['schemes'],
  all: ['girocard', 'schemes'],
}

/**
 * What a new payout of `kind` should credit for the closings it names: their reported net
 * of that kind, less the parts another payout (not returned) already credits. A second
 * girocard payout for the same closing therefore expects 0 and shows its whole gross as a
 * difference instead of passing as matched. The closings are locked first, so two payouts
 * for the same closing arriving at once are judged one after the other.
 */
async function expectedGross(
  trx: TransactionClientContract,
  covered: ClosingRow[],
  kind: string
): Promise<number | null> {
  if (!covered.length) return null
  const closings = [...new Map(covered.map((closing) => [Number(closing.id), closing])).values()]
  const ids = closings.map((closing) => Number(closing.id))
  const lock = trx.from('closings').whereIn('id', ids).select('id')
  if (!trx.dialect.name.includes('sqlite')) lock.forUpdate()
  await lock
  const credited: { closing_id: number; kind: string }[] = await trx
    .from('payout_closings')
    .join('payouts', 'payouts.id', 'payout_closings.payout_id')
    .whereIn('payout_closings.closing_id', ids)
    .whereNot('payouts.status', 'returned')
    .select('payout_closings.closing_id', 'payouts.kind')
  const taken = new Map<number, Set<Part>>()
  for (const row of credited) {
    const parts = taken.get(Number(row.closing_id)) ?? new Set<Part>()
    for (const part of PARTS[row.kind] ?? PARTS.all) parts.add(part)
    taken.set(Number(row.closing_id), parts)
  }
  return sumMinor(
    closings.flatMap((closing) =>
      (PARTS[kind] ?? PARTS.all)
        .filter((part) => !taken.get(Number(closing.id))?.has(part))
        .map((part) =>
          part === 'girocard'
            ? Number(closing.girocard_net_minor)
            : Number(closing.scheme_net_minor)
        )
    )
  )
}
