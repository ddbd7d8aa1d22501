import type { ModelQueryBuilderContract } from '@adonisjs/lucid/types/model'
import User, { USER_STATES, type UserState } from '#models/user'
import AuditEvent from '#models/audit_event'
import { SessionRegistry } from '#services/account/session_registry'
import { Like } from '#services/database/like'

export type UserSearch = { q?: string; state?: string; page?: number }

const PER_PAGE = 25

/*
| What a term means decides the query: a whole e-mail address is an index
| look-up, something shaped like a Kundennummer (it has a digit) an exact
| customer match, and only free text scans e-mail and name (see bench/admin.ts).
*/
function matchTerm(query: ModelQueryBuilderContract<typeof User>, term: string) {
  const customerNumber = term.toUpperCase().replace(/\s+/g, '')
  if (/^[^@\s]+@[^@\s]+$/.test(term)) {
    query.where('email', User.normalizeEmail(term))
  } else if (/^[A-Z]*\d[A-Z0-9-]{2,19}$/.test(customerNumber)) {
    query.whereHas('customers', (customers) => {
      customers.where('customer_number', customerNumber)
    })
  } else {
    const like = Like.containing(term)
    query.where((where) => {
      Like.orWhere(Like.where(where, 'email', like), 'full_name', like)
    })
  }
}

/** Support's look-up of merchant users: search and the detail page's data. */
export const UserDirectory = {
  /** Users matching an e-mail, name or customer number fragment, newest first. */
  async search({ q, state, page = 1 }: UserSearch) {
    const query = User.query().preload('customers').orderBy('created_at', 'desc')
    const term = (q ?? '').trim().slice(0, 100)
    if (term) matchTerm(query, term)
    if (state && (USER_STATES as readonly string[]).includes(state)) {
      query.where('state', state as UserState)
    }
    return query.paginate(Math.max(1, page), PER_PAGE)
  },

  /** Everything the user detail page shows; a missing user is a thrown not-found. */
  async detail(id: number) {
    const user = await User.query().where('id', id).preload('customers').firstOrFail()
    const [audit, lastLogins, sessions] = await Promise.all([
      AuditEvent.query().where('subject_user_id', id).orderBy('id', 'desc').limit(50),
      AuditEvent.query()
        .where('subject_user_id', id)
        .where('action', 'login.succeeded')
        .orderBy('id', 'desc')
        .limit(5),
      SessionRegistry.list(SessionRegistry.userTag(id)).catch(() => []),
    ])
    return { user, audit, lastLogins, sessions }
  },
}
