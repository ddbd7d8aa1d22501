import { createHash } from 'node:crypto'
import { queuePrefix } from '#config/portal'
import app from '@adonisjs/core/services/app'
import string from '@adonisjs/core/helpers/string'
import redis from '@adonisjs/redis/services/main'
import { SessionCollection } from '@adonisjs/session'
import type { Session } from '@adonisjs/session'
import { UAParser } from 'ua-parser-js'
import AuditEvent from '#models/audit_event'
import { AuditService } from '#services/audit/audit_service'
import { LiveRevocation } from '#services/ingest/live_revocation'
import { SessionPolicy } from '#services/account/session_policy'
import db from '@adonisjs/lucid/services/db'

/*
| Server-side session control. Every login tags its Redis session with the
| user (merchants `<ns>:user:<id>`, staff `<ns>:staff:<id>`), so a lock, a password
| reset, „Andere Sitzungen abmelden“ or „Abmelden“ of one session can end them.
*/
/* Tag sets are global Redis keys (`session_tag:<tag>`): the namespace keeps test runs,
   dev and production that share a Redis from ending each other's sessions. */
const namespace = queuePrefix
const userTag = (userId: number) => `${namespace}:user:${userId}`
const staffTag = (staffId: number) => `${namespace}:staff:${staffId}`

/** The audit actions that make up a merchant's sign-in history. */
const SIGN_IN_ACTIONS = ['login.succeeded', 'login.failed'] as const

async function collection() {
  return app.container.make(SessionCollection)
}

/**
 * The handle a page shows for a session: a one-way digest of its id, so the id itself
 * (the cookie's secret) never appears in HTML, a URL or a log.
 */
function handleOf(sessionId: string) {
  return createHash('sha256').update(`session-handle:${sessionId}`).digest('base64url').slice(0, 24)
}

/** Browser and system named by a user agent („Firefox 128“, „Windows 10“); null parts unknown. */
export type Device = { browser: string | null; os: string | null; raw: string | null }

function deviceOf(userAgent: string | null | undefined): Device {
  const raw = userAgent?.trim() ? userAgent.trim().slice(0, 120) : null
  if (!raw) return { browser: null, os: null, raw: null }
  const parser = new UAParser(raw)
  const browser = parser.getBrowser()
  const os = parser.getOS()
  const name = (part: { name?: string }, version?: string) =>
    part.name ? [part.name, version].filter(Boolean).join(' ') : null
  return { browser: name(browser, browser.major), os: name(os, os.version), raw }
}

/** When each session last served a request: the store renews its idle timeout per request. */
async function lastActivity(ids: string[]) {
  const ageMs = string.seconds.parse(app.config.get<string | number>('session.age', '30m')) * 1000
  const now = Date.now()
  const ttls = await Promise.all(ids.map((id) => redis.connection('main').pttl(id)))
  return ttls.map((ttl) => (ttl > 0 ? Math.min(now, now - (ageMs - ttl)) : null))
}

/** Counts the account's session generation up, stamps the kept session, ends the others. */
async function endSessionsOf(
  guard: 'web' | 'admin',
  account: { id: number; sessionGeneration: number },
  keep?: Session
) {
  const table = guard === 'web' ? 'users' : 'staff_users'
  await db.from(table).where('id', account.id).increment('session_generation', 1)
  const row = await db.from(table).where('id', account.id).select('session_generation').first()
  account.sessionGeneration = Number(row?.session_generation ?? account.sessionGeneration + 1)
  if (keep) SessionPolicy.stampGeneration(keep, guard, account.sessionGeneration)
  const tag = guard === 'web' ? userTag(account.id) : staffTag(account.id)
  return SessionRegistry.endAll(tag, keep?.sessionId)
}

export const SessionRegistry = {
  userTag,
  staffTag,
  deviceOf,

  /** Tags the (already regenerated) session of a fresh login. */
  async track(session: Session, tag: string) {
    await session.tag(tag)
  },

  /** The live sessions of a tag: id, page handle, what was recorded at login, last activity. */
  async list(tag: string) {
    const sessions = await (await collection()).tagged(tag)
    const activity = await lastActivity(sessions.map((entry) => entry.id))
    return sessions.map((entry, index) => {
      const userAgent = (entry.data?.auth_ua as string | undefined) ?? null
      return {
        id: entry.id,
        handle: handleOf(entry.id),
        startedAt: Number(entry.data?.auth_started_at ?? 0) || null,
        lastActiveAt: activity[index],
        ip: (entry.data?.auth_ip as string | undefined) ?? null,
        userAgent,
        device: deviceOf(userAgent),
      }
    })
  },

  /**
   * Ends every session of a merchant except `keep` (the current one, which takes the new
   * generation): counts the user's session generation up first, so an ended session that a
   * request still running writes back is logged out on its next request. Returns how many ended.
   */
  async endUserSessions(user: { id: number; sessionGeneration: number }, keep?: Session) {
    return endSessionsOf('web', user, keep)
  },

  /** The same for a staff member (an admin's lock, disable or second-factor reset). */
  async endStaffSessions(staff: { id: number; sessionGeneration: number }) {
    return endSessionsOf('admin', staff)
  },

  /** Ends every session of a tag except `exceptId`; returns how many ended. */
  async endAll(tag: string, exceptId?: string) {
    const sessions = await (await collection()).tagged(tag)
    const store = await collection()
    let ended = 0
    for (const entry of sessions) {
      if (entry.id === exceptId) continue
      await store.destroy(entry.id)
      ended++
    }
    return ended
  },

  /**
   * „Abmelden“ of one of a merchant's other sessions, named by its page handle. A handle
   * that is not one of this user's live sessions (another user's, an ended one, the
   * current one) ends nothing and returns false.
   */
  async endUserSession(userId: number, handle: string, currentSessionId: string) {
    const tag = userTag(userId)
    const store = await collection()
    const entry = (await store.tagged(tag)).find(
      (candidate) => candidate.id !== currentSessionId && handleOf(candidate.id) === handle
    )
    if (!entry) return false
    /* the tag set drops the id itself the next time it is listed */
    await store.destroy(entry.id)
    await LiveRevocation.sessionEnded(userId, entry.id)
    const userAgent = (entry.data?.auth_ua as string | undefined) ?? null
    await AuditService.record({
      action: 'session.ended',
      actor: { type: 'user', id: userId },
      subjectUserId: userId,
      meta: {
        session_ip: (entry.data?.auth_ip as string | undefined) ?? null,
        session_user_agent: userAgent,
      },
    })
    return true
  },

  /** The last sign-ins and failed sign-in attempts on a merchant's account, newest first. */
  async signInHistory(userId: number, limit = 20) {
    const events = await AuditEvent.query()
      .where('subject_user_id', userId)
      .whereIn('action', [...SIGN_IN_ACTIONS])
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
    return events.map((event) => ({
      at: event.createdAt.toJSDate(),
      succeeded: event.action === 'login.succeeded',
      ip: event.ip,
      device: deviceOf(event.userAgent),
    }))
  },
}
