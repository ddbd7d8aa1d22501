import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import redis from '@adonisjs/redis/services/main'
import { stores } from '@adonisjs/session'
import type { SessionStoreWithTaggingContract } from '@adonisjs/session/types'
import { RequestSessionStore } from '#services/account/request_session_store'
import { resetState } from '#tests/helpers/db'

/** A request's store over the real Redis store of config/session.ts's connection. */
async function requestStore() {
  const factory = await stores.redis({ connection: 'main' }).resolver(app)
  const redisStore = factory(null as never, { age: '30m' } as never)
  return new RequestSessionStore(redisStore as SessionStoreWithTaggingContract)
}

test.group('Session store of a request', (group) => {
  group.each.setup(() => resetState())

  test('a login regenerate: old id gone, new data stored and tagged once the write resolves', async ({
    assert,
    cleanup,
  }) => {
    const store = await requestStore()
    const [oldId, newId, tag] = [randomUUID(), randomUUID(), `kp-test-store:${randomUUID()}`]
    cleanup(() => redis.del(oldId, newId, `session_tag:${tag}`).then(() => {}))
    await redis.setex(oldId, 60, JSON.stringify({ message: { csrf: 'x' }, purpose: oldId }))

    store.tag(newId, tag)
    store.destroy(oldId)
    await store.write(newId, { auth_web: 7 })

    assert.equal(await redis.exists(oldId), 0)
    assert.deepEqual(await store.read(newId), { auth_web: 7 })
    assert.deepInclude(await redis.smembers(`session_tag:${tag}`), newId)
    assert.isAbove(await redis.ttl(newId), 0)
  })

  test('a failed tag fails the final write, so the request fails instead of leaving an untagged login', async ({
    assert,
    cleanup,
  }) => {
    const store = await requestStore()
    const [sessionId, tag] = [randomUUID(), `kp-test-store:${randomUUID()}`]
    cleanup(() => redis.del(sessionId, `session_tag:${tag}`).then(() => {}))
    /* a tag key of the wrong type: Redis answers SADD with WRONGTYPE */
    await redis.set(`session_tag:${tag}`, 'not a set')

    store.tag(sessionId, tag)
    await assert.rejects(() => store.write(sessionId, { auth_web: 7 }), /WRONGTYPE/)
    /* the cookie of the failed request leads nowhere */
    assert.equal(await redis.exists(sessionId), 0)
  })
})
