import type { HttpContext } from '@adonisjs/core/http'
import logger from '@adonisjs/core/services/logger'
import redis from '@adonisjs/redis/services/main'
import transmit from '@adonisjs/transmit/services/main'
import db from '@adonisjs/lucid/services/db'
import { liveSessionCheckMs } from '#config/transmit'
import { transactionsChannel } from '#services/ingest/live_feed'
import { LiveRevocation, type Revocation } from '#services/ingest/live_revocation'
import { within } from '#services/process/time_limit'
import { visibleLinksOnly } from '#services/account/owner_links'

/* Which merchant user opened each live stream (stream uid → user id), in this process. */
const streamOwners = new Map<string, number>()

/** Who opened a stream, in which session, and when that session's 12 hours are up. */
type Owner = { userId: number; sessionId: string; expiresAt: number }
/* keyed by the stream itself: a second stream with the same uid has its own owner */
const owners = new WeakMap<object, Owner>()

/** Absolute session lifetime (SessionPolicy): a stream ends with its session. */
const ABSOLUTE_LIFETIME_MS = 12 * 60 * 60 * 1000
let checkTimer: NodeJS.Timeout | undefined

const userOf = (ctx: HttpContext) => ctx.auth.use('web').user

/*
 * The one place that reaches into transmit's stream manager: getAllSubscribers()
 * is the manager's Map of open streams to their channel sets (the sets broadcasts
 * are matched against). @boringnode/transmit has no "close streams of a user".
 */
type OpenStream = { getUid(): string; end(): unknown; on(event: 'error', fn: () => void): unknown }
const openStreams = () =>
  transmit.getManager().getAllSubscribers() as unknown as Map<OpenStream, Set<string>>

/**
 * Ends one stream: its channels go first, so no broadcast reaches it between now
 * and its close; the client sees the connection end. Transmit drops the stream
 * from its storage (and LiveFeed/LiveAccess count it closed) on the response's close.
 */
function endStream(stream: OpenStream, channels: Set<string>) {
  channels.clear()
  /* a ping written between end() and close must not become an unhandled error */
  stream.on('error', () => {})
  stream.end()
}

/** Applies a revocation (from this process or another one, see LiveRevocation) to this process's streams. */
function revoke(revocation: Revocation) {
  for (const [stream, channels] of openStreams()) {
    const owner = owners.get(stream)
    if (!owner || owner.userId !== revocation.userId) continue
    if (revocation.kind === 'customer') {
      channels.delete(transactionsChannel(revocation.customerId))
    } else if (revocation.kind === 'session') {
      if (owner.sessionId === revocation.sessionId) endStream(stream, channels)
    } else if (owner.sessionId !== revocation.exceptSessionId) {
      endStream(stream, channels)
    }
  }
}

/**
 * The safety net behind the revocations, every `liveSessionCheckMs` (30 s): a stream
 * ends when its session is gone (idle expiry, destroyed) or past its 12 hours; a
 * customer channel is dropped when its link is gone.
 */
async function checkSessions() {
  const streams = [...openStreams()].flatMap(([stream, channels]) => {
    const owner = owners.get(stream)
    return owner ? [{ stream, channels, owner }] : []
  })
  if (!streams.length) return
  const sessionIds = [...new Set(streams.map(({ owner }) => owner.sessionId))]
  const alive = await within(
    Promise.all(sessionIds.map((id) => redis.connection('main').exists(id))),
    5_000
  )
  /* Redis or the database not answering: nothing is ended on a guess */
  if (!alive) return
  const liveSessions = new Set(sessionIds.filter((_, index) => alive[index] === 1))
  const userIds = [...new Set(streams.map(({ owner }) => owner.userId))]
  const links = await watchableLinks(userIds)
  const linked = new Set(
    links.map((link) => transactionsChannel(link.customerId) + `@${link.userId}`)
  )
  const now = Date.now()
  for (const { stream, channels, owner } of streams) {
    if (!liveSessions.has(owner.sessionId) || now > owner.expiresAt) {
      endStream(stream, channels)
      continue
    }
    for (const channel of channels) {
      if (!linked.has(`${channel}@${owner.userId}`)) channels.delete(channel)
    }
  }
}

/**
 * The users' customer links that may be watched live: the links `visibleLinksOnly`
 * leaves (a customer that requires two-factor sign-in counts only for a user who
 * has it turned on), the same rule as every page's scope.
 */
async function watchableLinks(userIds: number[], customerId?: number) {
  const query = visibleLinksOnly(
    db
      .from('customer_user')
      .join('users', 'users.id', 'customer_user.user_id')
      .whereIn('customer_user.user_id', userIds)
  ).select('customer_user.user_id as userId', 'customer_user.customer_id as customerId')
  if (customerId !== undefined) query.where('customer_user.customer_id', customerId)
  return (await query) as { userId: number; customerId: number }[]
}

function startChecking() {
  if (checkTimer) return
  checkTimer = setInterval(() => {
    checkSessions().catch((error) =>
      logger.warn({ err: error }, 'live access: the session check failed')
    )
  }, liveSessionCheckMs)
  checkTimer.unref()
}

/**
 * Who may watch which live channel. A stream belongs to the user who opened it
 * (and to that session); a channel `customers/:id/transactions` may be added to it
 * only by that user and only when the user is linked to that customer. A lock,
 * disable, password reset or change, ended session or removed customer link ends
 * the user's streams or subscriptions (LiveRevocation), on every web process.
 */
export const LiveAccess = {
  streamOpened(uid: string, ctx: HttpContext) {
    const user = userOf(ctx)
    if (!user) return
    streamOwners.set(uid, user.id)
    /* the stream transmit just stored for this uid: the newest one without an owner */
    const stream = [...openStreams().keys()]
      .reverse()
      .find((candidate) => candidate.getUid() === uid && !owners.has(candidate))
    if (stream) {
      const started = Number(ctx.session.get('auth_started_at', 0))
      owners.set(stream, {
        userId: user.id,
        sessionId: ctx.session.sessionId,
        expiresAt: started + ABSOLUTE_LIFETIME_MS,
      })
    }
    LiveRevocation.listen(revoke)
    startChecking()
  },

  streamClosed(uid: string, ctx: HttpContext) {
    if (streamOwners.get(uid) === userOf(ctx)?.id) streamOwners.delete(uid)
  },

  /** True when the logged-in user owns the stream and is linked to the customer. */
  async mayWatchCustomer(ctx: HttpContext, customerId: string) {
    const user = userOf(ctx)
    const uid = ctx.request.input('uid')
    if (!user || !/^\d{1,10}$/.test(customerId) || streamOwners.get(uid) !== user.id) return false
    const links = await watchableLinks([user.id], Number(customerId))
    return links.length > 0
  },

  /** Runs the periodic session check now (tests; the timer runs it every 30 s). */
  checkSessions,

  /** Ends every open stream, so a shutdown does not wait for connected browsers. */
  endStreams() {
    clearInterval(checkTimer)
    checkTimer = undefined
    for (const [stream] of transmit.getManager().getAllSubscribers()) stream.end()
    streamOwners.clear()
  },
}
