import transmit from '@adonisjs/transmit/services/main'

/** What a merchant's live list needs of a new transaction: the masked PAN only, never more. */
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

/**
 * Publishes stored transactions to their customers' live channels (one message
 * per customer and batch: `{ transactions: LiveTransaction[] }`). Call it only
 * after the commit. Through the Redis transport every web process gets it.
 */
export const LiveFeed = {
  publishTransactions(rows: LiveTransaction[]) {
    if (!rows.length) return
    const byCustomer = new Map<number, LiveTransaction[]>()
    for (const row of rows) {
      const list = byCustomer.get(row.customer_id) ?? []
      list.push(row)
      byCustomer.set(row.customer_id, list)
    }
    for (const [customerId, transactions] of byCustomer) {
      transmit.broadcast(transactionsChannel(customerId), { transactions })
    }
  },
}
