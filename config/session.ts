import { isHttps } from '#config/app'
import { configProvider } from '@adonisjs/core'
import { defineConfig, stores } from '@adonisjs/session'
import type { SessionStoreWithTaggingContract } from '@adonisjs/session/types'

/*
| Sessions live in Redis so a lock or a password reset can end all of a user's
| sessions server-side (sessions are tagged with the user id at login).
| Idle timeout 30 minutes (age, renewed on each request); the 12-hour absolute
| limit is enforced by the session_limits middleware.
*/
const sessionConfig = defineConfig({
  enabled: true,
  cookieName: isHttps ? '__Host-kp_session' : 'kp_session',
  clearWithBrowser: true,
  age: '30m',
  cookie: {
    path: '/',
    httpOnly: true,
    secure: isHttps,
    sameSite: 'lax',
  },
  store: 'redis',
  stores: {
    /* Redis; a request's session waits for Redis once per request (RequestSessionStore) */
    redis: configProvider.create(async (app) => {
      const redisStore = await stores.redis({ connection: 'main' }).resolver(app)
      const { RequestSessionStore } = await import('#services/account/request_session_store')
      return (ctx, config) => {
        const store = redisStore(ctx, config) as SessionStoreWithTaggingContract
        return ctx ? new RequestSessionStore(store) : store
      }
    }),
  },
})

export default sessionConfig
