import { queuePrefix } from '#config/portal'
import app from '@adonisjs/core/services/app'
import { SessionCollection } from '@adonisjs/session'
import type { Session } from '@adonisjs/session'

/*
| Server-side session control. Every login tags its Redis session with the
| user (merchants `<ns>:user:<id>`, staff `<ns>:staff:<id>`), so a lock, a password
| reset or „Andere Sitzungen abmelden“ can end them all at once.
*/
/* Tag sets are global Redis keys (`session_tag:<tag>`): the namespace keeps test runs,
   dev and production that share a Redis from ending each other's sessions. */
const namespace = queuePrefix
const userTag = (userId: number) => `${namespace}:user:${userId}`
const staffTag = (staffId: number) => `${namespace}:staff:${staffId}`

async function collection() {
  return app.container.make(SessionCollection)
}

export const SessionRegistry = {
  userTag,
  staffTag,

  /** Tags the (already regenerated) session of a fresh login. */
  async track(session: Session, tag: string) {
    await session.tag(tag)
  },

  /** The live sessions of a tag: id plus what was recorded at login. */
  async list(tag: string) {
    const sessions = await (await collection()).tagged(tag)
    return sessions.map((entry) => ({
      id: entry.id,
      startedAt: Number(entry.data?.auth_started_at ?? 0) || null,
      ip: (entry.data?.auth_ip as string | undefined) ?? null,
      userAgent: (entry.data?.auth_ua as string | undefined) ?? null,
    }))
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
}
