import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import hash from '@adonisjs/core/services/hash'
import mail from '@adonisjs/mail/services/main'
import User from '#models/user'
import { credentialsFingerprint } from '#services/account/one_time_token_service'
import VerifyEmailMail from '#mails/verify_email_mail'
import RegistrationAttemptMail from '#mails/registration_attempt_mail'
import { AuditService } from '#services/audit/audit_service'
import { AccountStateService } from '#services/account/account_state_service'
import { CustomerClaim, CustomerProof, type ClaimResult } from '#services/account/customer_proof'
import { OneTimeTokenService } from '#services/account/one_time_token_service'
import { withTimingFloor } from '#services/account/even_timing'
import { PasswordPolicy, type PasswordProblem } from '#services/account/password_policy'

/** The answer takes at least this long, whichever branch ran. */
const REGISTER_FLOOR_MS = 500

export type Registration = {
  email: string
  password: string
  customerNumber: string
  terminalId: string
  locale: string
}

/*
| „Registrieren“. Every branch does the same expensive work (one argon2id hash)
| and the caller answers with the same page, so neither the page nor the time
| tells whether the e-mail, the customer number or the pair exists.
*/
export const RegistrationService = {
  /**
   * „Registrieren“: refuses a password the policy rejects (with the reason),
   * else registers, or mails the existing owner, or does nothing visible —
   * never saying which, and taking as long whichever branch ran.
   */
  async register(input: Registration): Promise<PasswordProblem | null> {
    const problem = PasswordPolicy.check(input.password, {
      email: input.email,
      customerNumbers: [input.customerNumber],
    })
    if (problem) return problem
    await withTimingFloor(REGISTER_FLOOR_MS, () => this.create(input))
    return null
  },

  /**
   * Registers, or replaces a registration nobody confirmed yet, or mails the
   * existing owner, or does nothing visible; never says which.
   */
  async create(input: Registration) {
    const email = User.normalizeEmail(input.email)
    const existing = await User.findBy('email', email)
    const customer = await CustomerProof.find(input.customerNumber, input.terminalId)

    if (existing?.state === 'pending_verification' && customer) {
      /* never confirmed: this registration takes its place (the model hashes the password) */
      await this.replacePending(existing, input, customer.id)
      return
    }
    if (existing || !customer) {
      /* the same argon2id work the model does when it creates the account */
      await hash.make(input.password)
    }
    if (existing?.state === 'pending_verification') {
      /* no proof: the registration waiting for its link stays as it is */
      await this.audit('registration.rejected_proof', existing.id)
      return
    }
    if (existing) {
      await mail.sendLater(new RegistrationAttemptMail(existing.email, existing.locale))
      await this.audit('registration.existing_email', existing.id)
      return
    }
    if (!customer) {
      await this.audit('registration.rejected_proof', null)
      return
    }

    const { user, claim } = await db.transaction(async (trx) => {
      const created = await User.create(
        { email, password: input.password, locale: input.locale, state: 'pending_verification' },
        { client: trx }
      )
      return {
        user: created,
        claim: await this.linkProof(trx, created.id, customer.id, input.terminalId),
      }
    })
    await this.sendLink(user)
    await this.audit('registration.created', user.id)
    await this.afterClaim(claim, user, customer.id)
  },

  /**
   * A second registration for an address whose account was never confirmed
   * (someone else may have registered it first): its password, language and
   * customer proof replace the pending ones, every earlier link dies, and this
   * registration gets its own link. The address's owner can always register.
   */
  async replacePending(user: User, input: Registration, customerId: number) {
    const claim = await db.transaction(async (trx) => {
      user.useTransaction(trx)
      user.password = input.password
      user.locale = input.locale
      await user.save()
      await trx.from('customer_user').where('user_id', user.id).delete()
      await trx.from('access_requests').where({ user_id: user.id, status: 'pending' }).delete()
      return this.linkProof(trx, user.id, customerId, input.terminalId)
    })
    await OneTimeTokenService.revokeAll(user)
    await this.sendLink(user)
    await this.audit('registration.replaced_pending', user.id)
    await this.afterClaim(claim, user, customerId)
  },

  /**
   * The registration's proof: the customer's first user becomes its owner; anyone
   * later gets an access request and sees nothing until an owner approves.
   */
  async linkProof(trx: TransactionClientContract, userId: number, customerId: number, tid: string) {
    return CustomerClaim.claim(trx, {
      userId,
      customerId,
      provenBy: 'registration',
      terminalId: tid,
    })
  },

  /** A new access request: audited, and the customer's owners are told by mail. */
  async afterClaim(claim: ClaimResult, user: User, customerId: number) {
    if (claim !== 'requested') return
    await AuditService.record({
      action: 'access_request.created',
      actor: { type: 'anonymous' },
      subjectUserId: user.id,
      meta: { customerId, provenBy: 'registration' },
    })
    /* the owners hear of it once the address is confirmed (verify): anyone can type an address */
    if (user.emailVerifiedAt) await CustomerClaim.notifyOwners(customerId, user.email)
  },

  /** Mails the confirmation link, bound to the credentials stored right now. */
  async sendLink(user: User) {
    const token = await OneTimeTokenService.issue(
      user,
      'verify_email',
      credentialsFingerprint(user)
    )
    await mail.sendLater(new VerifyEmailMail(user.email, user.locale, token))
  },

  /**
   * Follows a confirmation link; returns the new state or null when the link is
   * not valid. A link only activates the credentials of the registration that
   * sent it: if they were replaced since, it is refused.
   */
  async verify(rawToken: unknown) {
    const token = await OneTimeTokenService.consume(rawToken, 'verify_email')
    if (!token) return null
    const user = await User.find(token.userId)
    if (!user) return null
    /* links mailed before fingerprints existed carry none (they expire within 24 h) */
    if (token.payload !== null && token.payload !== credentialsFingerprint(user)) return null
    /* requests made at registration wait for the confirmation before the owners are told */
    const waiting = await db
      .from('access_requests')
      .where({ user_id: user.id, status: 'pending' })
      .select('customer_id')
    const state = await AccountStateService.verifyEmail(user)
    if (state) {
      for (const request of waiting) {
        await CustomerClaim.notifyOwners(Number(request.customer_id), user.email)
      }
      await this.settleOwnership(user)
    }
    return state
  },

  /**
   * The role is decided when a registration is confirmed, not when it was made: two
   * people may register the same customer before either confirms, and both then hold
   * an owner link. The first to confirm stays owner; whoever confirms while the
   * customer already has a confirmed owner gets an access request instead (its owners
   * are told), and sees nothing of it until an owner or support approves. The
   * customer's row is locked, so two confirmations at once cannot both stay owner.
   */
  async settleOwnership(user: User) {
    const links = await db
      .from('customer_user')
      .where({ user_id: user.id, role: 'owner' })
      .select('id', 'customer_id', 'proven_by', 'proof_terminal_id')
    for (const link of links) {
      const customerId = Number(link.customer_id)
      const demoted = await db.transaction(async (trx) => {
        await trx.from('customers').where('id', customerId).forUpdate().first()
        const owners = await CustomerClaim.confirmedOwners(trx, customerId)
        if (owners.every((owner) => Number(owner.id) === user.id)) return false
        await trx.from('customer_user').where('id', link.id).delete()
        await trx.table('access_requests').insert({
          user_id: user.id,
          customer_id: customerId,
          proven_by: link.proven_by,
          proof_terminal_id: link.proof_terminal_id,
          status: 'pending',
          created_at: DateTime.now().toSQL({ includeOffset: false }),
        })
        return true
      })
      if (demoted) await this.afterClaim('requested', user, customerId)
    }
  },

  async audit(action: string, userId: number | null) {
    await AuditService.record({
      action,
      actor: { type: 'anonymous' },
      subjectUserId: userId,
    })
  },
}
