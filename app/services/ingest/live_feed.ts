import { randomUUID } from 'node:crypto'
import logger from '@adonisjs/core/services/logger'
import redis from '@adonisjs/redis/services/main'
import transmit from '@adonisjs/transmit/services/main'
import env from '#start/env'

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

type Payload = ReturnType<typeof toPayload>
/** One ingest batch as it travels between web processes: per customer its new transactions. */
type Batch = [customerId: number, transactions: Payload[]][]

/** The Redis channel all web processes of one installation share (one per parallel test run). */
export const LIVE_REDIS_CHANNEL = `${env.get('QUEUE_PREFIX', 'kp')}:live:transactions`
/** This process's mark on what it publishes, so it skips its own messages when they come back. */
const SENDER = randomUUID()

/** Writes the batch to the SSE streams of this process that subscribed to its customers. */
function deliverLocally(batch: Batch) {
  if (transmit.getManager().getAllSubscribers().size === 0) return
  for (const [customerId, transactions] of batch) {
    /* broadcastExcept with nobody excepted: the local half of transmit.broadcast */
    transmit.broadcastExcept(transactionsChannel(customerId), { transactions }, [])
  }
}

/**
 * Publishes stored transactions to their customers' live channels (one SSE
 * message per customer and batch: `{ transactions: [...] }`, see docs/api.md).
 * Call it only after the commit. This process delivers to its own streams
 * directly; the other web processes get the whole batch as one Redis message
 * (not one per customer: an ingest batch touches hundreds) and deliver it to
 * theirs. See docs/adr/0401-ingest-api.md.
 */
export const LiveFeed = {
  publishTransactions(rows: LiveTransaction[]) {
    if (!rows.length) return
    const byCustomer = new Map<number, Payload[]>()
    for (const row of rows) {
      const list = byCustomer.get(row.customer_id)
      if (list) list.push(toPayload(row))
      else byCustomer.set(row.customer_id, [toPayload(row)])
    }
    const batch: Batch = [...byCustomer]
    deliverLocally(batch)
    /* live is best effort: the rows are committed and every list shows them; a lost message is logged */
    redis.publish(LIVE_REDIS_CHANNEL, `${SENDER}\n${JSON.stringify(batch)}`).catch((error) => {
      logger.warn({ err: error }, 'live feed: publishing to Redis failed')
    })
  },

  /** Delivers what the other web processes publish; called once at start (start/transmit.ts). */
  listen() {
    redis.subscribe(LIVE_REDIS_CHANNEL, (message: string) => {
      if (message.startsWith(SENDER)) return
      /* no open stream here: do not even decode */
      if (transmit.getManager().getAllSubscribers().size === 0) return
      try {
        deliverLocally(JSON.parse(message.slice(message.indexOf('\n') + 1)) as Batch)
      } catch (error) {
        logger.warn({ err: error }, 'live feed: an unreadable message was skipped')
      }
    })
  },
}
