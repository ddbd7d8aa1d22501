import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import type { DatabaseQueryBuilderContract } from '@adonisjs/lucid/types/querybuilder'
import type User from '#models/user'

/*
| The customers a user may act on as owner: their owner links, minus the customers
| withheld from them until they set up two-factor sign-in (as `CustomerScope.access`
| withholds them from every page). An owner who cannot see a customer cannot manage
| it either: not its users, requests or invitations, nor switch its requirement off.
*/
export const OwnerLinks = {
  /** Whether the user is subject to a customer's two-factor requirement (has no TOTP). */
  withheldFrom(user: Pick<User, 'totpEnabledAt'>) {
    return !user.totpEnabledAt
  },

  /** `SELECT customer_id` of the customers the user owns and sees (for `whereIn`). */
  ids(client: QueryClientContract, user: Pick<User, 'id' | 'totpEnabledAt'>) {
    const query = client
      .from('customer_user')
      .where('customer_user.user_id', user.id)
      .where('customer_user.role', 'owner')
    if (OwnerLinks.withheldFrom(user)) {
      query.whereNotExists((required) =>
        required
          .from('customers')
          .whereColumn('customers.id', 'customer_user.customer_id')
          .where('customers.require_two_factor', true)
      )
    }
    return query.select('customer_user.customer_id')
  },
}

/**
 * Narrows a query over `customer_user` joined with `users` to the links whose customer is
 * not withheld from the user (two-factor required, none set up): who gets a customer's
 * money alerts, invoice and document mails is who sees the customer on its pages.
 */
export function visibleLinksOnly<Q extends DatabaseQueryBuilderContract<any>>(query: Q): Q {
  return query.where((visible) =>
    visible
      .whereNotNull('users.totp_enabled_at')
      .orWhereNotExists((required) =>
        required
          .from('customers')
          .whereColumn('customers.id', 'customer_user.customer_id')
          .where('customers.require_two_factor', true)
      )
  ) as Q
}
