import db from '@adonisjs/lucid/services/db'
import { visibleLinksOnly } from '#services/account/owner_links'

export type Recipient = { email: string; locale: string }

/**
 * The active owners of a customer who can see it (an owner without two-factor on a customer
 * that requires it is hidden from it, also here), each with their language.
 */
export async function ownersOf(customerId: number): Promise<Recipient[]> {
  const rows = await visibleLinksOnly(
    db.from('customer_user').join('users', 'users.id', 'customer_user.user_id')
  )
    .where('customer_user.customer_id', customerId)
    .where('customer_user.role', 'owner')
    .where('users.state', 'active')
    .orderBy('customer_user.id', 'asc')
    .select('users.email', 'users.locale')
  return rows.map((row) => ({ email: row.email, locale: row.locale ?? 'de' }))
}

/** The requester and the owners, each address once. */
export async function requesterAndOwners(customerId: number, userId: number | null) {
  const recipients: Recipient[] = []
  if (userId) {
    const user = await db.from('users').where('id', userId).select('email', 'locale').first()
    if (user) recipients.push({ email: user.email, locale: user.locale ?? 'de' })
  }
  for (const owner of await ownersOf(customerId)) {
    if (!recipients.some((r) => r.email === owner.email)) recipients.push(owner)
  }
  return recipients
}
