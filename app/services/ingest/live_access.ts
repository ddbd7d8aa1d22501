import type { HttpContext } from '@adonisjs/core/http'
import transmit from '@adonisjs/transmit/services/main'
import CustomerUser from '#models/customer_user'

/* Which merchant user opened each live stream (stream uid → user id), in this process. */
const streamOwners = new Map<string, number>()

const userOf = (ctx: HttpContext) => ctx.auth.use('web').user

/**
 * Who may watch which live channel. A stream belongs to the user who opened it;
 * a channel `customers/:id/transactions` may be added to it only by that user
 * and only when the user is linked to that customer.
 */
export const LiveAccess = {
  streamOpened(uid: string, ctx: HttpContext) {
    const user = userOf(ctx)
    if (user) streamOwners.set(uid, user.id)
  },

  streamClosed(uid: string, ctx: HttpContext) {
    if (streamOwners.get(uid) === userOf(ctx)?.id) streamOwners.delete(uid)
  },

  /** True when the logged-in user owns the stream and is linked to the customer. */
  async mayWatchCustomer(ctx: HttpContext, customerId: string) {
    const user = userOf(ctx)
    const uid = ctx.request.input('uid')
    if (!user || !/^\d{1,10}$/.test(customerId) || streamOwners.get(uid) !== user.id) return false
    const link = await CustomerUser.query()
      .where('user_id', user.id)
      .where('customer_id', Number(customerId))
      .first()
    return link !== null
  },

  /** Ends every open stream, so a shutdown does not wait for connected browsers. */
  endStreams() {
    for (const [stream] of transmit.getManager().getAllSubscribers()) stream.end()
    streamOwners.clear()
  },
}
