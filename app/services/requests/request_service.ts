import Ticket, { type TICKET_CATEGORIES } from '#models/ticket'
import type TicketMessage from '#models/ticket_message'
import User from '#models/user'
import { addRequesterMessage, openTicket, publicMessages } from '#services/tickets/conversation'
import type { ScopeCustomer } from '#services/merchant/customer_scope'
import { roleAllows } from '#policies/customer_policy'

/** 20 requests a page. */
export const REQUESTS_PER_PAGE = 20

/**
 * Whose requests a merchant sees: their own (tickets.user_id) and every ticket of
 * a customer they own (CustomerPolicy `viewRequests`, decided by the controller).
 */
export type RequestViewer = { userId: number; ownedCustomerIds: number[] }

export type NewRequest = {
  category: (typeof TICKET_CATEGORIES)[number]
  /** one of the user's linked customers (checked by the caller), or none */
  customer: { id: number; customerNumber: string } | null
  message: string
}

function visibleTo(viewer: RequestViewer) {
  return Ticket.query().where((query) => {
    query.where('user_id', viewer.userId)
    if (viewer.ownedCustomerIds.length > 0) {
      query.orWhereIn('customer_id', viewer.ownedCustomerIds)
    }
  })
}

/*
| „Meine Anfragen“: the merchant's side of tickets. Only public messages are
| ever read here (`publicMessages`), never an agent's internal note.
*/
export const RequestService = {
  /**
   * The viewer of a request page: the user, and the linked customers whose role
   * allows `viewRequests` (CustomerPolicy: the owner). Not narrowed by the header
   * switch: a request of one's own may name no customer at all.
   */
  viewer(userId: number, linked: ScopeCustomer[]): RequestViewer {
    const ownedCustomerIds = linked
      .filter((customer) => roleAllows(customer.role, 'viewRequests'))
      .map((customer) => customer.id)
    return { userId, ownedCustomerIds }
  },

  /** The viewer's requests, newest activity first, one page. */
  async list(viewer: RequestViewer, page: number) {
    return visibleTo(viewer)
      .orderBy('last_message_at', 'desc')
      .orderBy('id', 'desc')
      .paginate(page, REQUESTS_PER_PAGE)
  },

  /** One request the viewer may see with its public messages; else the 404 of a missing one. */
  async find(viewer: RequestViewer, id: number) {
    const ticket = await visibleTo(viewer).where('id', id).firstOrFail()
    const messages = await publicMessages(ticket.id)
    return { ticket, messages }
  },

  /** The names of the portal users who wrote the messages (an owner sees co-users' requests). */
  async authorNames(messages: TicketMessage[]) {
    const ids = [...new Set(messages.map((m) => m.userId).filter((id): id is number => !!id))]
    const users = ids.length
      ? await User.query().whereIn('id', ids).select('id', 'full_name', 'email')
      : []
    return Object.fromEntries(users.map((u) => [u.id, u.fullName?.trim() || u.email]))
  },

  /** Opens a request from inside the portal and queues the receipt mail. */
  open(user: User, data: NewRequest) {
    return openTicket({
      name: user.fullName?.trim() || user.email,
      email: user.email,
      customerId: data.customer?.id ?? null,
      customerNumber: data.customer?.customerNumber ?? null,
      category: data.category,
      message: data.message,
      userId: user.id,
      locale: user.locale,
      source: 'portal',
    })
  },

  /** The merchant's reply: guarded, stored, and a waiting or solved request opens again. */
  async reply(ticket: Ticket, userId: number, body: string) {
    return addRequesterMessage(ticket.id, { body, channel: 'portal', userId })
  },
}
