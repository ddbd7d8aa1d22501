import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import mail from '@adonisjs/mail/services/main'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import Customer from '#models/customer'
import AccessRequestMail from '#mails/access_request_mail'

/** Trimmed, upper case, inner spaces removed: the one stored form of a Kundennummer. */
export function normalizeCustomerNumber(value: string) {
  return value.trim().toUpperCase().replace(/\s+/g, '')
}

/** A Terminal-ID as typed (spaces allowed) reduced to its digits. */
export function normalizeTerminalId(value: string) {
  return value.replace(/\s+/g, '')
}

export const CustomerProof = {
  /**
   * The customer with this number, when the terminal belongs to it and is in
   * service (`active`); null otherwise. A decommissioned, inactive or blocked
   * terminal's TID, still printed on old receipts, proves nothing.
   */
  async find(customerNumber: string, terminalId: string) {
    return Customer.query()
      .where('customer_number', normalizeCustomerNumber(customerNumber))
      .whereHas('terminals', (query) =>
        query.where('terminal_id', normalizeTerminalId(terminalId)).where('status', 'active')
      )
      .first()
  },
}

/** What proving a customer gave: access as its (first) owner, or a request to its owners. */
export type ClaimResult = 'owner' | 'requested' | 'already' | 'already_requested'

export type Claim = {
  userId: number
  customerId: number
  provenBy: 'registration' | 'terminal_id'
  terminalId: string
}

/*
| The access model (PRODUCT „Access model“): proving a customer (Kundennummer +
| Terminal-ID) gives access only to the customer's first user, who becomes its
| owner. Anyone later gets an access request and sees nothing of the customer
| until an owner approves it (/account/users).
*/
export const CustomerClaim = {
  /**
   * Links the user as owner when the customer has no owner yet, else files an
   * access request. An owner who never confirmed their address does not count:
   * an unconfirmed registration cannot keep the customer's real users out.
   */
  async claim(client: QueryClientContract, claim: Claim): Promise<ClaimResult> {
    const link = await client
      .from('customer_user')
      .where({ user_id: claim.userId, customer_id: claim.customerId })
      .first()
    if (link) return 'already'
    const pending = await client
      .from('access_requests')
      .where({ user_id: claim.userId, customer_id: claim.customerId, status: 'pending' })
      .first()
    if (pending) return 'already_requested'
    const now = DateTime.now().toSQL({ includeOffset: false })
    const proof = {
      user_id: claim.userId,
      customer_id: claim.customerId,
      proven_by: claim.provenBy,
      proof_terminal_id: normalizeTerminalId(claim.terminalId),
      created_at: now,
    }
    if ((await this.confirmedOwners(client, claim.customerId)).length === 0) {
      await client.table('customer_user').insert({ ...proof, role: 'owner' })
      return 'owner'
    }
    await client.table('access_requests').insert({ ...proof, status: 'pending' })
    return 'requested'
  },

  /** The customer's owners who confirmed their address (whatever their state since). */
  async confirmedOwners(client: QueryClientContract, customerId: number) {
    return client
      .from('customer_user')
      .join('users', 'users.id', 'customer_user.user_id')
      .where('customer_user.customer_id', customerId)
      .where('customer_user.role', 'owner')
      .whereNot('users.state', 'pending_verification')
      .select('users.id', 'users.email', 'users.locale', 'users.state')
  },

  /** Tells the customer's active owners about a new access request (link to /account/users). */
  async notifyOwners(customerId: number, requesterEmail: string) {
    const customer = await Customer.findOrFail(customerId)
    const owners = await this.confirmedOwners(db.connection(), customerId)
    for (const owner of owners.filter((row) => row.state === 'active')) {
      await mail.sendLater(
        new AccessRequestMail(owner.email, owner.locale, {
          customerNumber: customer.customerNumber,
          companyName: customer.companyName,
          requesterEmail,
        })
      )
    }
  },
}
