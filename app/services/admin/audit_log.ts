import { DateTime } from 'luxon'
import AuditEvent from '#models/audit_event'
import User from '#models/user'
import StaffUser from '#models/staff_user'
import { Like } from '#services/database/like'

export type AuditFilters = {
  actor?: string
  user?: string
  action?: string
  from?: string
  to?: string
  page?: number
}

const day = (value: string | undefined) => {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return null
  const parsed = DateTime.fromISO(value, { zone: 'Europe/Berlin' })
  return parsed.isValid ? parsed : null
}

/** /admin/audit: who did what, when, to whom — filtered, newest first. */
export const AuditLog = {
  async search(filters: AuditFilters) {
    const query = AuditEvent.query().orderBy('id', 'desc')
    const actor = (filters.actor ?? '').trim().toLowerCase()
    if (actor) {
      /* a staff e-mail, or a type such as „system“ / „anonymous“ */
      if (['system', 'anonymous', 'user', 'staff'].includes(actor)) {
        query.where('actor_type', actor)
      } else {
        const staff = await StaffUser.findBy('email', actor)
        query.where('actor_type', 'staff').where('actor_id', staff?.id ?? 0)
      }
    }
    const user = (filters.user ?? '').trim()
    if (user) {
      const found = /^\d+$/.test(user)
        ? await User.find(Number(user))
        : await User.findBy('email', User.normalizeEmail(user))
      query.where('subject_user_id', found?.id ?? 0)
    }
    const action = (filters.action ?? '').trim()
    if (action) Like.where(query, 'action', Like.startingWith(action))
    const from = day(filters.from)
    const to = day(filters.to)
    if (from) query.where('created_at', '>=', from.toUTC().toSQL({ includeOffset: false })!)
    if (to)
      query.where('created_at', '<', to.plus({ days: 1 }).toUTC().toSQL({ includeOffset: false })!)
    const events = await query.paginate(Math.max(1, filters.page ?? 1), 50)
    const staffIds = [
      ...new Set(
        events
          .all()
          .filter((e) => e.actorType === 'staff' && e.actorId)
          .map((e) => e.actorId!)
      ),
    ]
    const staff = staffIds.length ? await StaffUser.query().whereIn('id', staffIds) : []
    return { events, staffNames: new Map(staff.map((s) => [s.id, `${s.fullName} <${s.email}>`])) }
  },
}
