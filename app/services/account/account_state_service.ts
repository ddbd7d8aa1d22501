import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import mail from '@adonisjs/mail/services/main'
import type User from '#models/user'
import { type LockReason, type UserState } from '#models/user'
import AccountLockedMail from '#mails/account_locked_mail'
import AccountUnlockedMail from '#mails/account_unlocked_mail'
import VerifyEmailMail from '#mails/verify_email_mail'
import { registrationApproval } from '#config/portal'
import { AuditService, type AuditActor } from '#services/audit/audit_service'
import { SessionRegistry } from '#services/account/session_registry'
import { LiveRevocation } from '#services/ingest/live_revocation'
import { LoginThrottle } from '#services/account/login_throttle'
import {
  credentialsFingerprint,
  OneTimeTokenService,
} from '#services/account/one_time_token_service'
import TwoFactorResetMail from '#mails/two_factor_reset_mail'

/** What support may do to a merchant account (/admin/users/:id/actions/:action). */
export const ACCOUNT_ACTIONS = [
  'unlock',
  'lock',
  'approve',
  'disable',
  'enable',
  'resend_verification',
  'unlink',
  'reset_two_factor',
] as const
export type AccountAction = (typeof ACCOUNT_ACTIONS)[number]

export type AccountActionInput = { reason?: string | null; customerId?: number | null }
export type AccountActionResult =
  | { ok: true }
  | {
      ok: false
      error: 'not_applicable' | 'reason_required' | 'last_customer' | 'unknown_customer'
    }

/** Which actions fit an account's current state (the admin pages offer only these). */
export function availableActions(user: User): AccountAction[] {
  const actions: AccountAction[] = []
  /* an erased account (docs/privacy.md) has nobody behind it any more */
  if (user.erasedAt) return actions
  if (user.state === 'locked') actions.push('unlock')
  /* a registration waiting for approval cannot log in: it is approved, or disabled */
  if (user.state === 'active') actions.push('lock')
  if (user.state === 'pending_approval') actions.push('approve')
  if (user.state !== 'disabled') actions.push('disable')
  if (user.state === 'disabled') actions.push('enable')
  if (user.state === 'pending_verification') actions.push('resend_verification')
  /* the authenticator is lost: support checks who calls, then the password alone signs in */
  if (user.totpEnabledAt) actions.push('reset_two_factor')
  return actions
}

const NOT_APPLICABLE = { ok: false, error: 'not_applicable' } as const

/*
| The only place a merchant account's state changes after its registration:
| verified, approved, locked, unlocked, disabled, enabled. Each change is
| audited with its actor; locking and disabling end every session of the user
| at once (the auth middleware logs out any request still on an old session).
| Support's actions on an account (/admin/users) arrive through `perform`.
*/
export const AccountStateService = {
  /** Support's action on an account, when it fits the account's state. */
  async perform(
    action: AccountAction,
    user: User,
    actor: AuditActor,
    input: AccountActionInput = {}
  ): Promise<AccountActionResult> {
    if (action !== 'unlink' && !availableActions(user).includes(action)) return NOT_APPLICABLE
    switch (action) {
      case 'unlock': {
        if (!(await this.unlock(user, actor))) return NOT_APPLICABLE
        /* support unlocked it (here or from a ticket): the merchant learns it may log in again */
        await mail.sendLater(new AccountUnlockedMail(user.email, user.locale))
        return { ok: true }
      }
      case 'lock': {
        const reason = (input.reason ?? '').trim()
        if (!reason) return { ok: false, error: 'reason_required' }
        await this.lock(user, 'by_support', actor, reason)
        return { ok: true }
      }
      case 'approve':
        return (await this.approve(user, actor)) ? { ok: true } : NOT_APPLICABLE
      case 'disable':
        return (await this.disable(user, actor)) ? { ok: true } : NOT_APPLICABLE
      case 'enable':
        return (await this.enable(user, actor)) ? { ok: true } : NOT_APPLICABLE
      case 'resend_verification':
        return (await this.resendVerification(user, actor)) ? { ok: true } : NOT_APPLICABLE
      case 'unlink':
        return this.unlinkCustomer(user, input.customerId ?? null, actor)
      case 'reset_two_factor':
        return (await this.resetTwoFactor(user, actor)) ? { ok: true } : NOT_APPLICABLE
    }
  },

  /**
   * Support switches a merchant's two-factor sign-in off (the phone with the authenticator is
   * lost, and the recovery codes with it): key and recovery codes are deleted, every session
   * ends, the merchant is told by mail. A customer that requires two-factor hides its data
   * again until the merchant enrols anew.
   */
  async resetTwoFactor(user: User, actor: AuditActor) {
    if (!user.totpEnabledAt) return false
    user.totpSecret = null
    user.totpEnabledAt = null
    user.recoveryCodes = null
    await user.save()
    const ended = await SessionRegistry.endUserSessions(user)
    await LiveRevocation.userAccessEnded(user.id)
    await AuditService.record({
      action: 'account.two_factor_reset',
      actor,
      subjectUserId: user.id,
      meta: { sessionsEnded: ended },
    })
    await mail.sendLater(new TwoFactorResetMail(user.email, user.locale))
    return true
  },

  /** Locks the account (reason `failed_logins` mails the owner), ends all sessions, audits. */
  async lock(user: User, reason: LockReason, actor: AuditActor, note: string | null = null) {
    user.state = 'locked'
    user.lockReason = reason
    user.lockNote = note ? note.slice(0, 500) : null
    user.lockedAt = DateTime.now()
    await user.save()
    const ended = await SessionRegistry.endUserSessions(user)
    await LiveRevocation.userAccessEnded(user.id)
    /* a pending e-mail change dies; reset links stay (a reset is the owner's way out) */
    await OneTimeTokenService.revokeAll(user, ['email_change'])
    await AuditService.record({
      action: 'account.locked',
      actor,
      subjectUserId: user.id,
      meta: { reason, sessionsEnded: ended },
    })
    if (reason === 'failed_logins') {
      await mail.sendLater(new AccountLockedMail(user.email, user.locale))
    }
  },

  /** Unlocks a locked account (any reason), resets the failure count, audits. */
  async unlock(user: User, actor: AuditActor) {
    if (user.state !== 'locked') return false
    const reason = user.lockReason
    user.state = 'active'
    user.lockReason = null
    user.lockNote = null
    user.lockedAt = null
    user.failedLoginCount = 0
    await user.save()
    /* otherwise the per-account failure budget keeps the owner out for another 15 minutes */
    await LoginThrottle.recordSuccess(user.email)
    await AuditService.record({
      action: 'account.unlocked',
      actor,
      subjectUserId: user.id,
      meta: { previousReason: reason },
    })
    return true
  },

  /**
   * The owner followed the confirmation link: the e-mail is verified and the
   * account active, or waiting for support's approval (REGISTRATION_APPROVAL=manual).
   * Returns the new state, or null when the account was not waiting for it.
   */
  async verifyEmail(user: User): Promise<UserState | null> {
    if (user.state !== 'pending_verification') return null
    user.emailVerifiedAt = DateTime.now()
    user.state = registrationApproval() === 'manual' ? 'pending_approval' : 'active'
    await user.save()
    await AuditService.record({
      action: 'registration.verified',
      actor: { type: 'user', id: user.id },
      subjectUserId: user.id,
      meta: { state: user.state },
    })
    return user.state
  },

  /** A registration waiting for approval becomes active. */
  async approve(user: User, actor: AuditActor) {
    if (user.state !== 'pending_approval') return false
    user.state = 'active'
    await user.save()
    await AuditService.record({ action: 'account.approved', actor, subjectUserId: user.id })
    return true
  },

  /** Disables the account (from any state, remembered for `enable`) and ends all its sessions. */
  async disable(user: User, actor: AuditActor) {
    if (user.state === 'disabled') return false
    const previous = user.state
    user.state = 'disabled'
    user.stateBeforeDisable = previous
    await user.save()
    const ended = await SessionRegistry.endUserSessions(user)
    await LiveRevocation.userAccessEnded(user.id)
    await OneTimeTokenService.revokeAll(user)
    await AuditService.record({
      action: 'account.disabled',
      actor,
      subjectUserId: user.id,
      meta: { previousState: previous, sessionsEnded: ended },
    })
    return true
  },

  /**
   * A disabled account returns to the state it had, with a fresh start for the
   * failure count: an unconfirmed registration waits for its confirmation again,
   * one waiting for approval for the approval, a locked one stays locked (with its
   * reason). Without a remembered state (disabled before it was kept): active when
   * the e-mail was confirmed, else waiting for the confirmation.
   */
  async enable(user: User, actor: AuditActor) {
    if (user.state !== 'disabled') return false
    const remembered = user.stateBeforeDisable
    user.state =
      remembered && remembered !== 'disabled'
        ? remembered
        : user.emailVerifiedAt
          ? 'active'
          : 'pending_verification'
    if (user.state !== 'locked') {
      user.lockReason = null
      user.lockNote = null
      user.lockedAt = null
    }
    user.stateBeforeDisable = null
    user.failedLoginCount = 0
    await user.save()
    await AuditService.record({
      action: 'account.enabled',
      actor,
      subjectUserId: user.id,
      meta: { state: user.state },
    })
    return true
  },

  /** „Bestätigungsmail erneut senden“: a fresh confirmation link, the mail a registration sends. */
  async resendVerification(user: User, actor: AuditActor) {
    if (user.state !== 'pending_verification') return false
    const token = await OneTimeTokenService.issue(
      user,
      'verify_email',
      credentialsFingerprint(user)
    )
    await mail.sendLater(new VerifyEmailMail(user.email, user.locale, token))
    await AuditService.record({
      action: 'account.verification_resent',
      actor,
      subjectUserId: user.id,
    })
    return true
  },

  /** Removes one customer link; the last one stays (a user has at least one customer). */
  async unlinkCustomer(
    user: User,
    customerId: number | null,
    actor: AuditActor
  ): Promise<AccountActionResult> {
    await user.load('customers')
    const customer = user.customers.find((entry) => entry.id === customerId)
    if (!customer) return { ok: false, error: 'unknown_customer' }
    if (user.customers.length <= 1) return { ok: false, error: 'last_customer' }
    await db.from('customer_user').where({ user_id: user.id, customer_id: customer.id }).delete()
    await LiveRevocation.customerAccessEnded(user.id, customer.id)
    await AuditService.record({
      action: 'account.customer_unlinked',
      actor,
      subjectUserId: user.id,
      meta: { customerNumber: customer.customerNumber },
    })
    return { ok: true }
  },
}
