import { randomUUID } from 'node:crypto'
import logger from '@adonisjs/core/services/logger'
import redis from '@adonisjs/redis/services/main'
import transmit from '@adonisjs/transmit/services/main'
import { queuePrefix } from '#config/portal'

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

const prefix = queuePrefix
/** The Redis channel the batches travel on (one per installation and parallel test run). */
export const LIVE_REDIS_CHANNEL = `${prefix}:live:transactions`
/** Where a process announces that it now listens, so publishers stop skipping at once. */
export const LIVE_LISTENERS_CHANNEL = `${prefix}:live:listeners`
/** This process's mark on what it publishes and announces. */
const SENDER = randomUUID()
/** How long a process stays subscribed after its last stream closed (page changes reopen one). */
const LINGER_MS = 60_000
/** How long a count of the other listening processes is trusted. */
const LISTENERS_TTL_MS = 1_000

/* this process: its open streams and its subscription to LIVE_REDIS_CHANNEL */
let openStreams = 0
let subscription: 'none' | 'pending' | 'active' = 'none'
let lingerTimer: NodeJS.Timeout | undefined
/* the other processes with open streams: null = not known (then publish and ask) */
let listeners: { count: number; at: number } | null = null
let counting = false
let hearingAnnouncements = false

/** Writes the batch to the SSE streams of this process that subscribed to its customers. */
function deliverLocally(batch: Batch) {
  if (transmit.getManager().getAllSubscribers().size === 0) return
  for (const [customerId, transactions] of batch) {
    /* broadcastExcept with nobody excepted: the local half of transmit.broadcast */
    transmit.broadcastExcept(transactionsChannel(customerId), { transactions }, [])
  }
}

function receive(message: string) {
  if (message.startsWith(SENDER) || openStreams === 0) return
  try {
    deliverLocally(JSON.parse(message.slice(message.indexOf('\n') + 1)) as Batch)
  } catch (error) {
    logger.warn({ err: error }, 'live feed: an unreadable message was skipped')
  }
}

function subscribe() {
  if (subscription !== 'none') return
  subscription = 'pending'
  redis.connection().subscribe(LIVE_REDIS_CHANNEL, receive, {
    onSubscription: () => {
      /* an unsubscribe in between (Redis slow for longer than the linger) wins */
      if (subscription !== 'pending') return
      subscription = 'active'
      /* the others count again before their next batch */
      redis.publish(LIVE_LISTENERS_CHANNEL, SENDER).catch(reportFailure)
    },
    onError: (error) => {
      subscription = 'none'
      reportFailure(error)
    },
  })
}

function unsubscribe() {
  lingerTimer = undefined
  if (openStreams > 0 || subscription === 'none') return
  subscription = 'none'
  redis.unsubscribe(LIVE_REDIS_CHANNEL).catch(reportFailure)
}

/**
 * Whether another process has open streams; asks Redis (NUMSUB) at most once a
 * second, and at once after another process announced itself. (Subscribed on the
 * first publish, not at start: ace commands must be able to exit.)
 */
function othersListen() {
  if (!hearingAnnouncements) {
    hearingAnnouncements = true
    redis.connection().subscribe(
      LIVE_LISTENERS_CHANNEL,
      (message: string) => {
        if (message !== SENDER) listeners = null
      },
      {
        onSubscription: () => {},
        onError: (error) => {
          /* tried again with the next batch */
          hearingAnnouncements = false
          reportFailure(error)
        },
      }
    )
  }
  if ((!listeners || Date.now() - listeners.at > LISTENERS_TTL_MS) && !counting) {
    counting = true
    /* judged when asking: a subscription still pending may be counted, never wrongly subtracted */
    const self = subscription === 'active' ? 1 : 0
    redis
      .pubsub('NUMSUB', LIVE_REDIS_CHANNEL)
      .then((reply) => {
        const subscribers = Number((reply as [string, number])[1] ?? 0)
        listeners = { count: subscribers - self, at: Date.now() }
      })
      .catch(() => (listeners = null))
      .finally(() => (counting = false))
  }
  return listeners === null || listeners.count > 0
}

function reportFailure(error: unknown) {
  logger.warn({ err: error }, 'live feed: Redis pub/sub failed')
}

/**
 * Publishes stored transactions to their customers' live channels (one SSE
 * message per customer and batch: `{ transactions: [...] }`, see docs/api.md).
 * Call it only after the commit. This process delivers to its own streams
 * directly; the other web processes get the whole batch as one Redis message
 * (not one per customer: an ingest batch touches hundreds). A process subscribes
 * to that channel only while it has open streams, and a publisher skips the
 * message while no other process does. See docs/adr/0401-ingest-api.md.
 */
export const LiveFeed = {
  publishTransactions(rows: LiveTransaction[]) {
    if (!rows.length) return
    const toOthers = othersListen()
    if (openStreams === 0 && !toOthers) return
    const byCustomer = new Map<number, Payload[]>()
    for (const row of rows) {
      const list = byCustomer.get(row.customer_id)
      if (list) list.push(toPayload(row))
      else byCustomer.set(row.customer_id, [toPayload(row)])
    }
    const batch: Batch = [...byCustomer]
    deliverLocally(batch)
    /* live is best effort: the rows are committed and every list shows them; a lost message is logged */
    if (toOthers) {
      redis.publish(LIVE_REDIS_CHANNEL, `${SENDER}\n${JSON.stringify(batch)}`).catch(reportFailure)
    }
  },

  /** A merchant's live stream opened in this process: from now on receive the others' batches. */
  streamOpened() {
    openStreams++
    clearTimeout(lingerTimer)
    lingerTimer = undefined
    subscribe()
  },

  /** A stream closed; after the last one, stay subscribed a while (the next page opens one). */
  streamClosed() {
    openStreams = Math.max(0, openStreams - 1)
    if (openStreams === 0 && !lingerTimer) {
      lingerTimer = setTimeout(unsubscribe, LINGER_MS)
      lingerTimer.unref()
    }
  },
}
