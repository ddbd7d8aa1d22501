import logger from '@adonisjs/core/services/logger'
import type {
  SessionData,
  SessionStoreWithTaggingContract,
  TaggedSession,
} from '@adonisjs/session/types'

/**
 * The session store of one request. At a login, two writes need no answer before
 * the next step: tagging the session with its user, and dropping the old id of
 * the regenerated session. They are sent without waiting for Redis; the request's
 * final write waits for them too. Sent in the same tick, Redis auto-pipelining
 * (config/redis.ts) puts them into the same network write as the final SETEX: a
 * login waits for Redis once for its session instead of three times.
 * - If one of them failed, the new session is deleted again before the request
 *   fails, so no session exists that a lock or „Andere Sitzungen abmelden“ could miss.
 * - A DEL with nothing pending (a logout, an emptied session) is waited for.
 * - An unchanged session's idle timer (EXPIRE) is renewed at most once a minute
 *   per process (`TOUCH_INTERVAL_MS`), not on every request: the 30-minute idle
 *   timeout then ends between 29 and 30 minutes after the last request, and a
 *   page view saves a Redis round trip.
 * Session collections (SessionRegistry) use the plain store.
 */
export const TOUCH_INTERVAL_MS = 60_000
/* session id → when this process last wrote or touched it (bounded: cleared when large) */
export const sessionTouches = new Map<string, number>()

function touched(sessionId: string) {
  if (sessionTouches.size > 100_000) sessionTouches.clear()
  sessionTouches.set(sessionId, Date.now())
}

export class RequestSessionStore implements SessionStoreWithTaggingContract {
  #pending: Promise<unknown>[] = []

  constructor(private store: SessionStoreWithTaggingContract) {}

  read(sessionId: string) {
    return this.store.read(sessionId)
  }

  async write(sessionId: string, data: SessionData) {
    await this.#settle(sessionId, this.store.write(sessionId, data))
    touched(sessionId)
  }

  async touch(sessionId: string) {
    const last = sessionTouches.get(sessionId)
    if (last !== undefined && Date.now() - last < TOUCH_INTERVAL_MS && !this.#pending.length) {
      return
    }
    await this.#settle(sessionId, this.store.touch(sessionId))
    touched(sessionId)
  }

  async destroy(sessionId: string) {
    sessionTouches.delete(sessionId)
    /* only a login (which tagged first) is sure to write after this; otherwise wait */
    if (this.#pending.length) this.#defer(this.store.destroy(sessionId))
    else await this.store.destroy(sessionId)
  }

  tag(sessionId: string, userId: string | number) {
    this.#defer(this.store.tag(sessionId, userId))
  }

  untag(sessionId: string, userId: string | number) {
    return this.store.untag(sessionId, userId)
  }

  tagged(userId: string | number): Promise<TaggedSession[]> | TaggedSession[] {
    return this.store.tagged(userId)
  }

  #defer(result: Promise<void> | void) {
    const sent = Promise.resolve(result)
    sent.catch((error) => logger.error({ err: error }, 'session store: a Redis write failed'))
    this.#pending.push(sent)
  }

  async #settle(sessionId: string, last: Promise<void> | void) {
    const results = await Promise.allSettled([...this.#pending.splice(0), Promise.resolve(last)])
    const failed = results.find((result) => result.status === 'rejected')
    if (!failed) return
    /* the request fails: leave no session behind its cookie */
    await Promise.resolve(this.store.destroy(sessionId)).catch(() => {})
    throw failed.reason
  }
}
