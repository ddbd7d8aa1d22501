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
 * Session collections (SessionRegistry) use the plain store.
 */
export class RequestSessionStore implements SessionStoreWithTaggingContract {
  #pending: Promise<unknown>[] = []

  constructor(private store: SessionStoreWithTaggingContract) {}

  read(sessionId: string) {
    return this.store.read(sessionId)
  }

  async write(sessionId: string, data: SessionData) {
    await this.#settle(sessionId, this.store.write(sessionId, data))
  }

  async touch(sessionId: string) {
    await this.#settle(sessionId, this.store.touch(sessionId))
  }

  async destroy(sessionId: string) {
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
