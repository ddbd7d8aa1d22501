import type { Session } from '@adonisjs/session'

/** Absolute session lifetime; the 30-minute idle timeout is the session store's age. */
const ABSOLUTE_LIFETIME_MS = 12 * 60 * 60 * 1000
const STARTED_KEY = 'auth_started_at'
/* per guard: one browser session may hold a merchant and a staff login */
const generationKey = (guard: Guard) => `${guard}_generation`
type Guard = 'web' | 'admin'

export const SessionPolicy = {
  /** Records when the logged-in session began (call right after login). */
  start(session: Session, meta: { ip: string; userAgent: string }) {
    session.put(STARTED_KEY, Date.now())
    session.put('auth_ip', meta.ip)
    session.put('auth_ua', meta.userAgent.slice(0, 200))
  },

  /** Stamps the session with the user's session generation (at login, and on the one kept). */
  stampGeneration(session: Session, guard: Guard, generation: number) {
    session.put(generationKey(guard), generation)
  },

  /** False for a session of an earlier generation: it was ended (and written back by a late request). */
  isCurrentGeneration(session: Session, guard: Guard, generation: number) {
    return Number(session.get(generationKey(guard), 0)) === generation
  },

  /** True once 12 hours have passed since login. */
  isExpired(session: Session) {
    const started = Number(session.get(STARTED_KEY, 0))
    return !started || Date.now() - started > ABSOLUTE_LIFETIME_MS
  },
}
