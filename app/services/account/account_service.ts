import { DateTime } from 'luxon'
import hash from '@adonisjs/core/services/hash'
import db from '@adonisjs/lucid/services/db'
import mail from '@adonisjs/mail/services/main'
import { errors } from '@adonisjs/limiter'
import User from '#models/user'
import OneTimeToken from '#models/one_time_token'
import EmailChangeMail from '#mails/email_change_mail'
import EmailChangeAttemptMail from '#mails/email_change_attempt_mail'
import EmailChangedMail from '#mails/email_changed_mail'
import PasswordChangedMail from '#mails/password_changed_mail'
import { budgets } from '#services/security/rate_limits'
import { AuditService } from '#services/audit/audit_service'
import { SessionRegistry } from '#services/account/session_registry'
import type { Session } from '@adonisjs/session'
import { LiveRevocation } from '#services/ingest/live_revocation'
import { CustomerClaim, CustomerProof } from '#services/account/customer_proof'
import { LoginThrottle, type Client } from '#services/account/login_throttle'
import { LoginService } from '#services/account/login_service'
import { withTimingFloor } from '#services/account/even_timing'
import { OneTimeTokenService } from '#services/account/one_time_token_service'
import { PasswordPolicy, type PasswordProblem } from '#services/account/password_policy'
import { PasswordResetService } from '#services/account/password_reset_service'

/** The answer takes at least this long, whether the new address is free or taken. */
const EMAIL_CHANGE_FLOOR_MS = 500
/** … and whether the customer number was proven or not. */
const LINK_FLOOR_MS = 300

/*
| The account page's changes. Anything that proves identity (current password,
| a Terminal-ID) is throttled like a login, and no answer tells whether some
| other account or customer number exists.
*/
export const AccountService = {
  /** Name, phone, language. */
  async updateProfile(
    user: User,
    data: { fullName: string | null; phone: string | null; locale: string }
  ) {
    user.merge(data)
    await user.save()
  },

  /** The alert mails of the money flow the user wants (app/services/money/alerts.ts). */
  async updateAlerts(user: User, data: { alertUnclosed: boolean; alertDifferences: boolean }) {
    user.merge(data)
    await user.save()
  },

  /** Checks the current password; wrong ones count like failed logins (budgets and lock). */
  async checkCurrentPassword(user: User, password: string, client: Client) {
    const { failuresOnRecord } = await LoginThrottle.assertAllowed(user.email, client)
    if (await hash.verify(user.password, password)) {
      await LoginService.recordRightCurrentPassword(user, failuresOnRecord)
      return true
    }
    /* counts toward the same lock as failed logins: a stolen session cannot guess on */
    await LoginService.recordWrongCurrentPassword(user, client.ip)
    return false
  },

  /** Changes the password and ends every other session of the user. */
  async changePassword(
    user: User,
    current: string,
    next: string,
    session: Session,
    client: Client
  ): Promise<'done' | 'wrong_current' | PasswordProblem> {
    if (!(await this.checkCurrentPassword(user, current, client))) return 'wrong_current'
    const problem = PasswordPolicy.check(next, {
      email: user.email,
      customerNumbers: await this.customerNumbers(user),
    })
    if (problem) return problem
    await PasswordResetService.setPassword(user, next)
    /* a pending e-mail change or reset link mailed before dies with the old password */
    await OneTimeTokenService.revokeAll(user)
    await SessionRegistry.endUserSessions(user, session)
    /* every stream, this session's too: its page reconnects and subscribes again */
    await LiveRevocation.userAccessEnded(user.id)
    await mail.sendLater(new PasswordChangedMail(user.email, user.locale))
    await this.audit('password.changed', user)
    return 'done'
  },

  /**
   * Sends a confirmation link to the new address; when the address belongs to
   * another account, its owner is told instead. Both cost a mail and an audit
   * row, and the answer takes as long either way (ADR 0300).
   */
  async requestEmailChange(
    user: User,
    newEmail: string,
    password: string,
    client: Client
  ): Promise<'sent' | 'wrong_current' | 'same' | 'throttled'> {
    return withTimingFloor(EMAIL_CHANGE_FLOOR_MS, async () => {
      if (!(await this.checkCurrentPassword(user, password, client))) return 'wrong_current'
      const email = User.normalizeEmail(newEmail)
      if (email === user.email) return 'same'
      const allowed = await budgets
        .emailChangePerUser()
        .attempt(`email_change:${user.id}`, () => true)
      if (!allowed) return 'throttled'
      const owner = await User.findBy('email', email)
      /*
       * A token either way, so the account page shows the same „Bestätigung
       * ausstehend“. For a taken address nobody gets its link (the owner's mail has
       * none), and confirming could not switch to a taken address anyway.
       */
      const token = await OneTimeTokenService.issue(user, 'email_change', email)
      if (owner) {
        await mail.sendLater(new EmailChangeAttemptMail(owner.email, owner.locale))
        await this.audit('email.change_address_taken', user)
      } else {
        await mail.sendLater(new EmailChangeMail(email, user.locale, token))
        await this.audit('email.change_requested', user)
      }
      return 'sent'
    })
  },

  /** „Andere Sitzungen abmelden“: ends every session but the current one; returns how many ended. */
  async endOtherSessions(user: User, session: Session) {
    const ended = await SessionRegistry.endUserSessions(user, session)
    await LiveRevocation.userAccessEnded(user.id, { exceptSessionId: session.sessionId })
    await AuditService.record({
      action: 'sessions.ended_others',
      actor: { type: 'user', id: user.id },
      subjectUserId: user.id,
      meta: { ended },
    })
    return ended
  },

  /** The language chosen with the visible switch, remembered on the account. */
  async rememberLocale(user: User, locale: string) {
    if (user.locale === locale) return
    user.locale = locale
    await user.save()
  },

  /** The address waiting for confirmation, if any. */
  async pendingEmail(user: User) {
    const token = await OneTimeToken.query()
      .where('user_id', user.id)
      .where('purpose', 'email_change')
      .whereNull('used_at')
      .where('expires_at', '>', DateTime.now().toSQL({ includeOffset: false })!)
      .orderBy('id', 'desc')
      .first()
    return token?.payload ?? null
  },

  /** Follows the link from the new address: switches the login address and tells the old one. */
  async confirmEmailChange(rawToken: unknown) {
    const token = await OneTimeTokenService.consume(rawToken, 'email_change')
    if (!token?.payload) return null
    const user = await User.find(token.userId)
    if (!user || (await User.findBy('email', token.payload))) return null
    const oldEmail = user.email
    await db.transaction(async (trx) => {
      user.email = token.payload!
      user.emailVerifiedAt = DateTime.now()
      await user.useTransaction(trx).save()
      /* support's answers go to the new address, and mail from the old one no longer counts as theirs */
      await trx.from('tickets').where('user_id', user.id).update({ email: user.email })
    })
    await mail.sendLater(new EmailChangedMail(oldEmail, user.locale, user.email))
    await this.audit('email.changed', user)
    return user
  },

  /**
   * „Kundennummer hinzufügen“: links the customer when the Terminal-ID proves it and
   * it has no owner yet (the user becomes its owner); else files an access request
   * the customer's owners are told about, and nothing of it is visible until approved.
   * At most `budgets.linkCustomerPerUser` tries per user (then a translated 429);
   * the answer takes as long whether the proof held or not.
   */
  async linkCustomer(user: User, customerNumber: string, terminalId: string, client: Client) {
    const budget = await budgets.linkCustomerPerUser().increment(`link:${user.id}`)
    if (budget.consumed > budget.limit) {
      const error = new errors.E_TOO_MANY_REQUESTS(budget)
      error.setMessage(client.i18n.t('account.throttled'))
      throw error
    }
    return withTimingFloor(
      LINK_FLOOR_MS,
      async (): Promise<
        'linked' | 'already' | 'requested' | 'already_requested' | 'not_proven'
      > => {
        const customer = await CustomerProof.find(customerNumber, terminalId)
        if (!customer) {
          await AuditService.record({
            action: 'customer.link_refused',
            actor: { type: 'user', id: user.id },
            subjectUserId: user.id,
          })
          return 'not_proven'
        }
        const claim = await db.transaction((trx) =>
          CustomerClaim.claim(trx, {
            userId: user.id,
            customerId: customer.id,
            provenBy: 'terminal_id',
            terminalId,
          })
        )
        if (claim === 'already' || claim === 'already_requested') return claim
        if (claim === 'requested') {
          await AuditService.record({
            action: 'access_request.created',
            actor: { type: 'user', id: user.id },
            subjectUserId: user.id,
            meta: { customerNumber: customer.customerNumber, provenBy: 'terminal_id' },
          })
          await CustomerClaim.notifyOwners(customer.id, user.email)
          return 'requested'
        }
        await AuditService.record({
          action: 'customer.linked',
          actor: { type: 'user', id: user.id },
          subjectUserId: user.id,
          meta: { customerNumber: customer.customerNumber },
        })
        return 'linked'
      }
    )
  },

  async customerNumbers(user: User) {
    const customers = await user.related('customers').query().select('customer_number')
    return customers.map((customer) => customer.customerNumber)
  },

  async audit(action: string, user: User) {
    await AuditService.record({
      action,
      actor: { type: 'user', id: user.id },
      subjectUserId: user.id,
    })
  },
}
