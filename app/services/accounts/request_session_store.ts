import logger from '@adonisjs/core/services/logger'
import type {
  SessionData,
  SessionStoreWithTaggingContract,
  TaggedSession,
} from '@adonisjs/session/types'

/**
 * The session store of one request. Two writes need no answer before the next
 * step: dropping the old id when a login regenerates the session, and tagging
 * the session with its user. They are sent at once without waiting for Redis;
 * the request's final write (or touch) waits for them too and fails if one
 * failed. Sent in the same tick, Redis auto-pipelining (config/redis.ts) puts
 * them into the same network write as the final SETEX: a login then costs one
 * round trip for its session instead of three. (A request that only destroys
 * its session, e.g. a logout, has no final write: a failure there is logged.)
 * Session collections (SessionRegistry) use the plain store.
 */
export class RequestSessionStore implements SessionStoreWithTaggingContract {
  #pending: Promise<unknown>[] = []

  constructor(private store: SessionStoreWithTaggingContract) {}

  read(sessionId: string) {
    return this.store.read(sessionId)
  }

  async write(sessionId: string, data: SessionData) {
    await this.#settle(this.store.write(sessionId, data))
  }

  async touch(sessionId: string) {
    await this.#settle(this.store.touch(sessionId))
  }

  destroy(sessionId: string) {
    this.#defer(this.store.destroy(sessionId))
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

  async #settle(last: Promise<void> | void) {
    const results = await Promise.allSettled([...this.#pending.splice(0), Promise.resolve(last)])
    for (const result of results) if (result.status === 'rejected') throw result.reason
  }
}
