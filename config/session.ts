import { isHttps } from '#config/app'
import { defineConfig, stores } from '@adonisjs/session'

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
    redis: stores.redis({ connection: 'main' }),
  },
})

export default sessionConfig
