import { randomUUID } from 'node:crypto'
import logger from '@adonisjs/core/services/logger'
import redis from '@adonisjs/redis/services/main'
import { queuePrefix } from '#config/portal'
import { within } from '#services/process/time_limit'

/**
 * A user's right to watch live ends:
 * - `user`: every stream of the user (lock, disable, password reset or change), except
 *   the streams of `exceptSessionId` when given („Andere Sitzungen abmelden“);
 * - `session`: the streams of one session („Abmelden“ of one session);
 * - `customer`: the user's subscriptions to one customer's channel (link removed).
 */
export type Revocation =
  | { kind: 'user'; userId: number; exceptSessionId?: string }
  | { kind: 'session'; userId: number; sessionId: string }
  | { kind: 'customer'; userId: number; customerId: number }

type Handler = (revocation: Revocation) => void

/** The Redis channel revocations travel on to every web process (one per installation and test run). */
export const LIVE_REVOCATION_CHANNEL = `${queuePrefix}:live:revocations`
/** This process's mark on what it publishes (it has applied those already). */
const SENDER = randomUUID()
/** A revocation must not hold up a lock or a password change when Redis hangs. */
const PUBLISH_LIMIT_MS = 1_000

/* the process's own live streams (registered by LiveAccess in web processes only) */
let handler: Handler | undefined
let subscription: 'none' | 'pending' | 'active' = 'none'

function reportFailure(error: unknown) {
  logger.warn({ err: error }, 'live revocation: Redis pub/sub failed')
}

function applyLocally(revocation: Revocation) {
  try {
    handler?.(revocation)
  } catch (error) {
    logger.error({ err: error }, 'live revocation: ending streams failed')
  }
}

function receive(message: string) {
  if (message.startsWith(SENDER)) return
  try {
    applyLocally(JSON.parse(message.slice(message.indexOf('\n') + 1)) as Revocation)
  } catch (error) {
    logger.warn({ err: error }, 'live revocation: an unreadable message was skipped')
  }
}

function subscribe() {
  if (subscription !== 'none') return
  subscription = 'pending'
  redis.connection().subscribe(LIVE_REVOCATION_CHANNEL, receive, {
    onSubscription: () => (subscription = 'active'),
    onError: (error) => {
      /* tried again with the next stream that opens */
      subscription = 'none'
      reportFailure(error)
    },
  })
}

async function publish(revocation: Revocation) {
  applyLocally(revocation)
  try {
    await within(
      redis.publish(LIVE_REVOCATION_CHANNEL, `${SENDER}\n${JSON.stringify(revocation)}`),
      PUBLISH_LIMIT_MS
    )
  } catch (error) {
    /* the periodic session check (LiveAccess) still ends a destroyed session's streams */
    reportFailure(error)
  }
}

/**
 * Ends live streams and channel subscriptions the moment a user's right to them
 * ends, on every web process: the caller's process applies the revocation at
 * once, the others get it through Redis pub/sub (milliseconds). Services call it
 * right after the change is stored (sessions destroyed, link deleted). A process
 * subscribes when its first stream opens and stays subscribed (revocations are
 * rare), so ace commands that lock or disable an account only publish.
 */
export const LiveRevocation = {
  /** Every stream of the user, but those of `exceptSessionId` when given. */
  userAccessEnded(userId: number, options: { exceptSessionId?: string } = {}) {
    return publish({ kind: 'user', userId, exceptSessionId: options.exceptSessionId })
  },

  /** The streams opened in one session of the user. */
  sessionEnded(userId: number, sessionId: string) {
    return publish({ kind: 'session', userId, sessionId })
  },

  /** The user's subscriptions to one customer's channels (the stream itself stays). */
  customerAccessEnded(userId: number, customerId: number) {
    return publish({ kind: 'customer', userId, customerId })
  },

  /** Called by the web process's live streams (LiveAccess) when a stream opens. */
  listen(onRevocation: Handler) {
    handler = onRevocation
    subscribe()
  },
}
