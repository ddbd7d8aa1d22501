import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import type User from '#models/user'
import { CUSTOMER_ROLES, type CustomerRole } from '#models/customer_user'
import { AuditService } from '#services/audit/audit_service'
import { LiveRevocation } from '#services/ingest/live_revocation'
import { OutOfScope } from '#services/merchant/customer_scope'
import { InvitationService, type PendingInvitation } from '#services/account/invitation_service'
import { OwnerLinks } from '#services/account/owner_links'

export type CoUser = {
  linkId: number
  userId: number
  email: string
  fullName: string | null
  role: CustomerRole
  isSelf: boolean
  isLastOwner: boolean
}

export type PendingRequest = {
  id: number
  email: string
  provenBy: string
  createdAt: DateTime
}

export type OwnedCustomer = {
  id: number
  customerNumber: string
  companyName: string
  users: CoUser[]
  requests: PendingRequest[]
  /** invitations not yet accepted, revoked or expired */
  invitations: PendingInvitation[]
}

export type ChangeResult = 'done' | 'unchanged' | 'last_owner'

/*
| „Benutzer“ (/account/users): a customer's owners see its users and pending access
| requests, approve or deny requests, change roles and remove users. A customer
| always keeps one owner. Everything outside the owner's customers is the shared 404.
*/
export const CustomerUsersService = {
  isRole(value: string): value is CustomerRole {
    return (CUSTOMER_ROLES as readonly string[]).includes(value)
  },

  /** The customers the user owns, with their users and pending requests. */
  async overview(owner: User): Promise<OwnedCustomer[]> {
    const customers = await db
      .from('customer_user')
      .join('customers', 'customers.id', 'customer_user.customer_id')
      .where('customer_user.user_id', owner.id)
      .where('customer_user.role', 'owner')
      .if(OwnerLinks.withheldFrom(owner), (q) => q.where('customers.require_two_factor', false))
      .orderBy('customers.customer_number')
      .select('customers.id', 'customers.customer_number', 'customers.company_name')
    const ids = customers.map((row) => Number(row.id))
    if (!ids.length) return []
    const links = await db
      .from('customer_user')
      .join('users', 'users.id', 'customer_user.user_id')
      .whereIn('customer_user.customer_id', ids)
      .orderBy('customer_user.id')
      .select(
        'customer_user.id',
        'customer_user.customer_id',
        'customer_user.role',
        'users.id as user_id',
        'users.email',
        'users.full_name'
      )
    const requests = await db
      .from('access_requests')
      .join('users', 'users.id', 'access_requests.user_id')
      .whereIn('access_requests.customer_id', ids)
      .where('access_requests.status', 'pending')
      /* a registration whose address is not confirmed yet is nobody to decide on */
      .whereNotNull('users.email_verified_at')
      .orderBy('access_requests.id')
      .select(
        'access_requests.id',
        'access_requests.customer_id',
        'access_requests.proven_by',
        'access_requests.created_at',
        'users.email'
      )
    const invitations = await InvitationService.pendingFor(ids)
    return customers.map((customer) => {
      const id = Number(customer.id)
      const own = links.filter((link) => Number(link.customer_id) === id)
      const owners = own.filter((link) => link.role === 'owner').length
      return {
        id,
        customerNumber: customer.customer_number,
        companyName: customer.company_name,
        users: own.map((link) => ({
          linkId: Number(link.id),
          userId: Number(link.user_id),
          email: link.email,
          fullName: link.full_name,
          role: link.role,
          isSelf: Number(link.user_id) === owner.id,
          isLastOwner: link.role === 'owner' && owners === 1,
        })),
        requests: requests
          .filter((request) => Number(request.customer_id) === id)
          .map((request) => ({
            id: Number(request.id),
            email: request.email,
            provenBy: request.proven_by,
            createdAt: toDateTime(request.created_at),
          })),
        invitations: invitations.get(id) ?? [],
      }
    })
  },

  /** True when the user owns at least one customer (the page and its menu entry). */
  async ownsAny(user: User) {
    const row = await OwnerLinks.ids(db.connection(), user).first()
    return Boolean(row)
  },

  /** Approves a pending request of one of the owner's customers: a link with the role. */
  async approve(owner: User, requestId: number, role: CustomerRole) {
    const request = await db.transaction(async (trx) => {
      const row = await this.pendingRequest(trx, owner, requestId)
      await trx.from('access_requests').where('id', row.id).update({
        status: 'approved',
        role,
        decided_by_user_id: owner.id,
        decided_at: now(),
      })
      await linkApproved(trx, row, role)
      return row
    })
    await this.audit('access_request.approved', owner, Number(request.user_id), {
      customerId: Number(request.customer_id),
      role,
    })
  },

  /** Denies a pending request: no link, nothing visible. */
  async deny(owner: User, requestId: number) {
    const request = await db.transaction(async (trx) => {
      const row = await this.pendingRequest(trx, owner, requestId)
      await trx
        .from('access_requests')
        .where('id', row.id)
        .update({ status: 'denied', decided_by_user_id: owner.id, decided_at: now() })
      return row
    })
    await this.audit('access_request.denied', owner, Number(request.user_id), {
      customerId: Number(request.customer_id),
    })
  },

  /** Changes a co-user's role; the customer's last owner cannot be demoted. */
  async changeRole(owner: User, linkId: number, role: CustomerRole): Promise<ChangeResult> {
    const outcome = await db.transaction(async (trx) => {
      const link = await this.ownedLink(trx, owner, linkId)
      if (link.role === role) return { result: 'unchanged' as const, link }
      if (link.role === 'owner' && (await this.ownerCount(trx, link.customer_id)) <= 1) {
        return { result: 'last_owner' as const, link }
      }
      await trx.from('customer_user').where('id', link.id).update({ role })
      return { result: 'done' as const, link }
    })
    if (outcome.result === 'done') {
      await this.audit('customer_user.role_changed', owner, Number(outcome.link.user_id), {
        customerId: Number(outcome.link.customer_id),
        from: outcome.link.role,
        to: role,
      })
    }
    return outcome.result
  },

  /** Removes a co-user's access (or the owner's own); the customer's last owner stays. */
  async remove(owner: User, linkId: number): Promise<ChangeResult> {
    const outcome = await db.transaction(async (trx) => {
      const link = await this.ownedLink(trx, owner, linkId)
      if (link.role === 'owner' && (await this.ownerCount(trx, link.customer_id)) <= 1) {
        return { result: 'last_owner' as const, link }
      }
      await trx.from('customer_user').where('id', link.id).delete()
      return { result: 'done' as const, link }
    })
    if (outcome.result === 'done') {
      const userId = Number(outcome.link.user_id)
      const customerId = Number(outcome.link.customer_id)
      /* the removed user's open live pages stop receiving this customer at once */
      await LiveRevocation.customerAccessEnded(userId, customerId)
      await this.audit('customer_user.removed', owner, userId, {
        customerId,
        role: outcome.link.role,
      })
    }
    return outcome.result
  },

  /** A pending request of a customer the user owns, locked; anything else is the shared 404. */
  async pendingRequest(trx: TransactionClientContract, owner: User, requestId: number) {
    const row = await trx
      .from('access_requests')
      .where('id', requestId)
      .where('status', 'pending')
      .whereIn('customer_id', this.ownedIds(trx, owner))
      .whereIn('user_id', trx.from('users').whereNotNull('email_verified_at').select('id'))
      .forUpdate()
      .first()
    if (!row) throw new OutOfScope()
    return row
  },

  /** A link of a customer the user owns, locked; anything else is the shared 404. */
  async ownedLink(trx: TransactionClientContract, owner: User, linkId: number) {
    const row = await trx
      .from('customer_user')
      .where('id', linkId)
      .whereIn('customer_id', this.ownedIds(trx, owner))
      .forUpdate()
      .first()
    if (!row) throw new OutOfScope()
    return row
  },

  ownedIds(trx: TransactionClientContract, owner: User) {
    return OwnerLinks.ids(trx, owner)
  },

  /** The customer's owners, their rows locked so two owners cannot demote each other at once. */
  async ownerCount(trx: TransactionClientContract, customerId: number) {
    const rows = await trx
      .from('customer_user')
      .where({ customer_id: customerId, role: 'owner' })
      .forUpdate()
      .select('id')
    return rows.length
  },

  async audit(action: string, actor: User, subjectUserId: number, meta: Record<string, unknown>) {
    await AuditService.record({
      action,
      actor: { type: 'user', id: actor.id },
      subjectUserId,
      meta,
    })
  },
}

function now() {
  return DateTime.now().toSQL({ includeOffset: false })
}

function toDateTime(value: Date | string) {
  return value instanceof Date ? DateTime.fromJSDate(value) : DateTime.fromSQL(String(value))
}

/* ------------------------------------------------------------------------------------
| Support's side (/admin/customers/:id): the same decision on an access request as an
| owner's — a link with the chosen role, or none — recorded with the staff member as
| actor. Only pending requests of that customer; anything else is a thrown not-found.
*/
export const SupportAccessRequests = {
  /** The customer's pending access requests, oldest first. */
  async pending(customerId: number): Promise<PendingRequest[]> {
    const rows = await db
      .from('access_requests')
      .join('users', 'users.id', 'access_requests.user_id')
      .where('access_requests.customer_id', customerId)
      .where('access_requests.status', 'pending')
      .orderBy('access_requests.id')
      .select(
        'access_requests.id',
        'access_requests.proven_by',
        'access_requests.created_at',
        'users.email'
      )
    return rows.map((row) => ({
      id: Number(row.id),
      email: row.email,
      provenBy: row.proven_by,
      createdAt: toDateTime(row.created_at),
    }))
  },

  async approve(staffId: number, customerId: number, requestId: number, role: CustomerRole) {
    const request = await db.transaction(async (trx) => {
      const row = await this.pendingRequest(trx, customerId, requestId)
      await trx
        .from('access_requests')
        .where('id', row.id)
        .update({ status: 'approved', role, decided_at: now() })
      await linkApproved(trx, row, role)
      return row
    })
    await AuditService.record({
      action: 'access_request.approved',
      actor: { type: 'staff', id: staffId },
      subjectUserId: Number(request.user_id),
      meta: { customerId, role },
    })
  },

  async deny(staffId: number, customerId: number, requestId: number) {
    const request = await db.transaction(async (trx) => {
      const row = await this.pendingRequest(trx, customerId, requestId)
      await trx
        .from('access_requests')
        .where('id', row.id)
        .update({ status: 'denied', decided_at: now() })
      return row
    })
    await AuditService.record({
      action: 'access_request.denied',
      actor: { type: 'staff', id: staffId },
      subjectUserId: Number(request.user_id),
      meta: { customerId },
    })
  },

  async pendingRequest(trx: TransactionClientContract, customerId: number, requestId: number) {
    const row = await trx
      .from('access_requests')
      .where({ id: requestId, customer_id: customerId, status: 'pending' })
      .forUpdate()
      .first()
    if (!row) throw new OutOfScope()
    return row
  },
}

/** The link an approved request grants (an existing link keeps its role). */
async function linkApproved(
  trx: TransactionClientContract,
  row: {
    user_id: number
    customer_id: number
    proven_by: string
    proof_terminal_id: string | null
  },
  role: CustomerRole
) {
  const existing = await trx
    .from('customer_user')
    .where({ user_id: row.user_id, customer_id: row.customer_id })
    .first()
  if (existing) return
  await trx.table('customer_user').insert({
    user_id: row.user_id,
    customer_id: row.customer_id,
    role,
    proven_by: row.proven_by,
    proof_terminal_id: row.proof_terminal_id,
    created_at: now(),
  })
}
