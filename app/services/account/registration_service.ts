import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import hash from '@adonisjs/core/services/hash'
import mail from '@adonisjs/mail/services/main'
import User from '#models/user'
import VerifyEmailMail from '#mails/verify_email_mail'
import RegistrationAttemptMail from '#mails/registration_attempt_mail'
import { AuditService } from '#services/audit/audit_service'
import { AccountStateService } from '#services/account/account_state_service'
import { CustomerProof } from '#services/account/customer_proof'
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

  /** Registers, or mails the existing owner, or does nothing visible; never says which. */
  async create(input: Registration) {
    const email = User.normalizeEmail(input.email)
    const existing = await User.findBy('email', email)
    const customer = await CustomerProof.find(input.customerNumber, input.terminalId)

    if (existing || !customer) {
      /* the same argon2id work the model does when it creates the account */
      await hash.make(input.password)
    }
    if (existing?.state === 'pending_verification') {
      /* never confirmed (e.g. the link expired): a fresh link to the same address */
      const token = await OneTimeTokenService.issue(existing, 'verify_email')
      await mail.sendLater(new VerifyEmailMail(existing.email, existing.locale, token))
      await this.audit('registration.resent_verification', existing.id)
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

    const user = await db.transaction(async (trx) => {
      const created = await User.create(
        { email, password: input.password, locale: input.locale, state: 'pending_verification' },
        { client: trx }
      )
      const owners = await trx
        .from('customer_user')
        .where('customer_id', customer.id)
        .count('* as n')
      await trx.table('customer_user').insert({
        user_id: created.id,
        customer_id: customer.id,
        role: Number(owners[0].n) === 0 ? 'owner' : 'member',
        proven_by: 'registration',
        proof_terminal_id: input.terminalId.replace(/\s+/g, ''),
        created_at: DateTime.now().toSQL({ includeOffset: false }),
      })
      return created
    })
    const token = await OneTimeTokenService.issue(user, 'verify_email')
    await mail.sendLater(new VerifyEmailMail(user.email, user.locale, token))
    await this.audit('registration.created', user.id)
  },

  /** Follows a confirmation link; returns the new state or null when the link is not valid. */
  async verify(rawToken: unknown) {
    const token = await OneTimeTokenService.consume(rawToken, 'verify_email')
    if (!token) return null
    const user = await User.find(token.userId)
    return user ? AccountStateService.verifyEmail(user) : null
  },

  async audit(action: string, userId: number | null) {
    await AuditService.record({
      action,
      actor: { type: 'anonymous' },
      subjectUserId: userId,
    })
  },
}
