import transmit from '@adonisjs/transmit/services/main'

/** A stored transaction as the ingest hands it over (masked PAN only, never more). */
export type LiveTransaction = {
  id: number
  customer_id: number
  reference: string
  occurred_at: string
  terminal_id: string
  type: string
  status: string
  amount_minor: number
  currency: string
  card_brand: string
  pan_masked: string | null
  pan_last4: string | null
  auth_code: string | null
  receipt_number: string | null
}

/** The channel of one customer's new transactions. */
export const transactionsChannel = (customerId: number | string) =>
  `customers/${customerId}/transactions`

/** What subscribers get: enough for the merchant's live list, nothing card-related beyond last 4. */
const toPayload = (t: LiveTransaction) => ({
  id: t.id,
  reference: t.reference,
  occurred_at: t.occurred_at,
  terminal_id: t.terminal_id,
  type: t.type,
  status: t.status,
  amount_minor: t.amount_minor,
  currency: t.currency,
  card_brand: t.card_brand,
  pan_last4: t.pan_last4,
  receipt_number: t.receipt_number,
})

/**
 * Publishes stored transactions to their customers' live channels (one message
 * per customer and batch: `{ transactions: [...] }`, see docs/api.md). Call it
 * only after the commit. Through the Redis transport every web process gets it.
 */
export const LiveFeed = {
  publishTransactions(rows: LiveTransaction[]) {
    if (!rows.length) return
    const byCustomer = new Map<number, ReturnType<typeof toPayload>[]>()
    for (const row of rows) {
      const list = byCustomer.get(row.customer_id) ?? []
      list.push(toPayload(row))
      byCustomer.set(row.customer_id, list)
    }
    for (const [customerId, transactions] of byCustomer) {
      transmit.broadcast(transactionsChannel(customerId), { transactions })
    }
  },
}
