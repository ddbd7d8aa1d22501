import { createHash, randomBytes } from 'node:crypto'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import mail from '@adonisjs/mail/services/main'
import User from '#models/user'
import Invitation from '#models/invitation'
import Customer from '#models/customer'
import type { CustomerRole } from '#models/customer_user'
import InvitationMail from '#mails/invitation_mail'
import { AuditService } from '#services/audit/audit_service'
import { OutOfScope } from '#services/merchant/customer_scope'
import { OneTimeTokenService } from '#services/account/one_time_token_service'
import { PasswordPolicy, type PasswordProblem } from '#services/account/password_policy'
import { OwnerLinks } from '#services/account/owner_links'

/*
| Invitations (PRODUCT „Access model“): an owner invites an e-mail address to one of
| their customers with a role. The mailed link carries 256 random bits; only their
| SHA-256 is stored, it works once and for 7 days. A new address sets name and password
| and is active at once (the mail proved the address); an existing account accepts
| after logging in. Only the owner learns that an address already has access.
*/
export const INVITATION_LIFETIME_DAYS = 7

const digest = (raw: string) => createHash('sha256').update(raw, 'utf8').digest('hex')
const wellFormed = (raw: unknown): raw is string =>
  typeof raw === 'string' && /^[A-Za-z0-9_-]{43}$/.test(raw)
const now = () => DateTime.now().toSQL({ includeOffset: false })!

export type InviteResult = 'sent' | 'already_has_access'

export type PendingInvitation = {
  id: number
  email: string
  role: CustomerRole
  expiresAt: DateTime
}

/** What the invitee's page shows for a live link. */
export type InvitationView = {
  email: string
  role: CustomerRole
  companyName: string
  customerNumber: string
  /** true when the address already has an account that logs in (it accepts after login) */
  hasAccount: boolean
}

export type AcceptNewResult = 'done' | 'invalid' | 'has_account' | PasswordProblem
export type AcceptExistingResult = 'done' | 'invalid' | 'other_account'

export const InvitationService = {
  /** Invites an address to a customer the owner owns; anything else is the shared 404. */
  async invite(owner: User, customerId: number, rawEmail: string, role: CustomerRole) {
    const email = User.normalizeEmail(rawEmail)
    const owned = await OwnerLinks.ids(db.connection(), owner)
      .where('customer_user.customer_id', customerId)
      .first()
    if (!owned) throw new OutOfScope()
    const customer = await Customer.findOrFail(customerId)

    const linked = await db
      .from('customer_user')
      .join('users', 'users.id', 'customer_user.user_id')
      .where('customer_user.customer_id', customerId)
      .where('users.email', email)
      .first()
    if (linked) return 'already_has_access' as InviteResult

    const raw = randomBytes(32).toString('base64url')
    const locale = owner.locale === 'en' ? 'en' : 'de'
    const invitation = await db.transaction(async (trx) => {
      /* a new invitation replaces an open one for the same address and customer */
      await trx
        .from('invitations')
        .where({ customer_id: customerId, email })
        .whereNull('accepted_at')
        .whereNull('revoked_at')
        .update({ revoked_at: now() })
      return Invitation.create(
        {
          customerId,
          email,
          role,
          invitedByUserId: owner.id,
          locale,
          tokenHash: digest(raw),
          expiresAt: DateTime.now().plus({ days: INVITATION_LIFETIME_DAYS }),
        },
        { client: trx }
      )
    })
    await mail.sendLater(
      new InvitationMail(email, locale, {
        token: raw,
        role,
        companyName: customer.companyName,
        customerNumber: customer.customerNumber,
        inviter: owner.fullName || owner.email,
      })
    )
    const existing = await User.findBy('email', email)
    await AuditService.record({
      action: 'invitation.created',
      actor: { type: 'user', id: owner.id },
      subjectUserId: existing?.id ?? null,
      meta: { invitationId: invitation.id, customerId, email, role },
    })
    return 'sent' as InviteResult
  },

  /** The open invitations of these customers, by customer id. */
  async pendingFor(customerIds: number[]) {
    const byCustomer = new Map<number, PendingInvitation[]>()
    if (!customerIds.length) return byCustomer
    const rows = await Invitation.query()
      .whereIn('customer_id', customerIds)
      .whereNull('accepted_at')
      .whereNull('revoked_at')
      .where('expires_at', '>', now())
      .orderBy('id')
    for (const row of rows) {
      const list = byCustomer.get(row.customerId) ?? []
      list.push({ id: row.id, email: row.email, role: row.role, expiresAt: row.expiresAt })
      byCustomer.set(row.customerId, list)
    }
    return byCustomer
  },

  /** Revokes an open invitation of a customer the owner owns; anything else is the shared 404. */
  async revoke(owner: User, invitationId: number) {
    const invitation = await db.transaction(async (trx) => {
      const row = await trx
        .from('invitations')
        .where('id', invitationId)
        .whereNull('accepted_at')
        .whereNull('revoked_at')
        .whereIn('customer_id', OwnerLinks.ids(trx, owner))
        .forUpdate()
        .first()
      if (!row) throw new OutOfScope()
      await trx.from('invitations').where('id', row.id).update({ revoked_at: now() })
      return row
    })
    const existing = await User.findBy('email', invitation.email)
    await AuditService.record({
      action: 'invitation.revoked',
      actor: { type: 'user', id: owner.id },
      subjectUserId: existing?.id ?? null,
      meta: {
        invitationId: Number(invitation.id),
        customerId: Number(invitation.customer_id),
        email: invitation.email,
      },
    })
  },

  /** The live invitation for a raw token (unused, not revoked, not expired), or null. */
  async find(raw: unknown) {
    if (!wellFormed(raw)) return null
    return Invitation.query()
      .where('token_hash', digest(raw))
      .whereNull('accepted_at')
      .whereNull('revoked_at')
      .where('expires_at', '>', now())
      .first()
  },

  /** What the invitee's page shows, or null for a used, revoked, expired or unknown link. */
  async view(raw: unknown): Promise<InvitationView | null> {
    const invitation = await this.find(raw)
    if (!invitation) return null
    const customer = await Customer.findOrFail(invitation.customerId)
    const user = await User.findBy('email', invitation.email)
    return {
      email: invitation.email,
      role: invitation.role,
      companyName: customer.companyName,
      customerNumber: customer.customerNumber,
      hasAccount: hasAccount(user),
    }
  },

  /**
   * A new address accepts: name and password (the registration's password rule), the
   * account is active and linked with the invitation's role at once. An account nobody
   * confirmed yet for this address is replaced (the invitation proved the address).
   */
  async acceptNew(raw: unknown, fullName: string, password: string): Promise<AcceptNewResult> {
    const invitation = await this.find(raw)
    if (!invitation) return 'invalid'
    const customer = await Customer.findOrFail(invitation.customerId)
    const problem = PasswordPolicy.check(password, {
      email: invitation.email,
      customerNumbers: [customer.customerNumber],
    })
    if (problem) return problem

    const outcome = await db.transaction(async (trx) => {
      const live = await this.lockLive(trx, invitation.id)
      if (!live) return { result: 'invalid' as const }
      const existing = await User.query({ client: trx })
        .where('email', invitation.email)
        .forUpdate()
        .first()
      if (hasAccount(existing)) return { result: 'has_account' as const }
      let user: User
      if (existing) {
        /* an unconfirmed registration of this address: this acceptance takes its place */
        existing.useTransaction(trx)
        existing.merge({ password, fullName, state: 'active', emailVerifiedAt: DateTime.now() })
        user = await existing.save()
        await trx.from('customer_user').where('user_id', user.id).delete()
        await trx.from('access_requests').where({ user_id: user.id, status: 'pending' }).delete()
      } else {
        user = await User.create(
          {
            email: invitation.email,
            password,
            fullName,
            locale: invitation.locale,
            state: 'active',
            emailVerifiedAt: DateTime.now(),
          },
          { client: trx }
        )
      }
      await this.link(trx, invitation, user.id)
      return { result: 'done' as const, user, replaced: Boolean(existing) }
    })
    if (outcome.result !== 'done') return outcome.result
    if (outcome.replaced) await OneTimeTokenService.revokeAll(outcome.user)
    await AuditService.record({
      action: 'invitation.accepted',
      actor: { type: 'user', id: outcome.user.id },
      subjectUserId: outcome.user.id,
      meta: {
        invitationId: invitation.id,
        customerId: invitation.customerId,
        role: invitation.role,
        newAccount: true,
      },
    })
    return 'done'
  },

  /** A logged-in account accepts an invitation to its own address. */
  async acceptExisting(raw: unknown, user: User): Promise<AcceptExistingResult> {
    const invitation = await this.find(raw)
    if (!invitation) return 'invalid'
    if (invitation.email !== User.normalizeEmail(user.email)) return 'other_account'
    const result = await db.transaction(async (trx) => {
      const live = await this.lockLive(trx, invitation.id)
      if (!live) return 'invalid' as const
      await this.link(trx, invitation, user.id)
      return 'done' as const
    })
    if (result !== 'done') return result
    await AuditService.record({
      action: 'invitation.accepted',
      actor: { type: 'user', id: user.id },
      subjectUserId: user.id,
      meta: {
        invitationId: invitation.id,
        customerId: invitation.customerId,
        role: invitation.role,
        newAccount: false,
      },
    })
    return 'done'
  },

  /** The invitation's row, locked, if it is still live. */
  async lockLive(trx: TransactionClientContract, id: number) {
    return trx
      .from('invitations')
      .where('id', id)
      .whereNull('accepted_at')
      .whereNull('revoked_at')
      .where('expires_at', '>', now())
      .forUpdate()
      .first()
  },

  /**
   * Uses the invitation up and links the user with its role. An existing link keeps its
   * role (an invitation never takes rights away); a pending access request is answered.
   */
  async link(trx: TransactionClientContract, invitation: Invitation, userId: number) {
    await trx
      .from('invitations')
      .where('id', invitation.id)
      .update({ accepted_at: now(), accepted_user_id: userId })
    const existing = await trx
      .from('customer_user')
      .where({ user_id: userId, customer_id: invitation.customerId })
      .first()
    if (!existing) {
      await trx.table('customer_user').insert({
        user_id: userId,
        customer_id: invitation.customerId,
        role: invitation.role,
        proven_by: 'invitation',
        proof_terminal_id: null,
        created_at: now(),
      })
    }
    await trx
      .from('access_requests')
      .where({ user_id: userId, customer_id: invitation.customerId, status: 'pending' })
      .update({
        status: 'approved',
        role: invitation.role,
        decided_by_user_id: invitation.invitedByUserId,
        decided_at: now(),
      })
  },
}

/** An account that logs in (an unconfirmed registration does not count: it can be replaced). */
function hasAccount(user: User | null | undefined) {
  return Boolean(user && user.state !== 'pending_verification')
}
