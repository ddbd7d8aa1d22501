import db from '@adonisjs/lucid/services/db'
import type User from '#models/user'
import type StaffUser from '#models/staff_user'
import { AuditService } from '#services/audit/audit_service'
import { SessionRegistry } from '#services/account/session_registry'
import { AccountStateService } from '#services/account/account_state_service'
import { budgets } from '#services/security/rate_limits'
import { resendVerification } from '#services/admin/verification_bridge'

export const USER_ACTIONS = [
  'unlock',
  'lock',
  'approve',
  'disable',
  'enable',
  'resend_verification',
  'unlink',
] as const
export type UserAction = (typeof USER_ACTIONS)[number]

export type ActionInput = { reason?: string | null; customerId?: number | null }
export type ActionResult =
  | { ok: true }
  | {
      ok: false
      error: 'not_applicable' | 'reason_required' | 'last_customer' | 'unknown_customer'
    }

/** Which actions fit a user's current state (the detail page offers only these). */
export function availableActions(user: User): UserAction[] {
  const actions: UserAction[] = []
  if (user.state === 'locked') actions.push('unlock')
  if (user.state === 'active' || user.state === 'pending_approval') actions.push('lock')
  if (user.state === 'pending_approval') actions.push('approve')
  if (user.state !== 'disabled') actions.push('disable')
  if (user.state === 'disabled') actions.push('enable')
  if (user.state === 'pending_verification') actions.push('resend_verification')
  return actions
}

/*
| Support's actions on a merchant account. Each one is audited with the agent
| as actor. Lock and unlock go through AccountStateService (the accounts
| area's single place for account state), so their rules stay in one place.
*/
export const UserAdminService = {
  async perform(
    action: UserAction,
    user: User,
    staff: StaffUser,
    input: ActionInput
  ): Promise<ActionResult> {
    const actor = { type: 'staff' as const, id: staff.id }
    if (action !== 'unlink' && !availableActions(user).includes(action)) {
      return { ok: false, error: 'not_applicable' }
    }
    switch (action) {
      case 'unlock':
        return this.unlock(user, staff)
      case 'lock': {
        const reason = (input.reason ?? '').trim()
        if (!reason) return { ok: false, error: 'reason_required' }
        await AccountStateService.lock(user, 'by_support', actor, reason)
        return { ok: true }
      }
      case 'approve':
        user.state = 'active'
        await user.save()
        await AuditService.record({
          action: 'account.approved',
          actor,
          subjectUserId: user.id,
        })
        return { ok: true }
      case 'disable': {
        const previous = user.state
        user.state = 'disabled'
        await user.save()
        const ended = await SessionRegistry.endAll(SessionRegistry.userTag(user.id))
        await AuditService.record({
          action: 'account.disabled',
          actor,
          subjectUserId: user.id,
          meta: { previousState: previous, sessionsEnded: ended },
        })
        return { ok: true }
      }
      case 'enable':
        /* back to active; a fresh start for the failure count */
        user.state = 'active'
        user.failedLoginCount = 0
        await user.save()
        await AuditService.record({ action: 'account.enabled', actor, subjectUserId: user.id })
        return { ok: true }
      case 'resend_verification':
        if (!(await resendVerification(user))) return { ok: false, error: 'not_applicable' }
        await AuditService.record({
          action: 'account.verification_resent',
          actor,
          subjectUserId: user.id,
        })
        return { ok: true }
      case 'unlink':
        return this.unlink(user, input.customerId ?? null, staff)
    }
  },

  /** Unlock: state active, no lock reason, failure count 0, login budget cleared, audited. */
  async unlock(user: User, staff: StaffUser): Promise<ActionResult> {
    const done = await AccountStateService.unlock(user, { type: 'staff', id: staff.id })
    if (!done) return { ok: false, error: 'not_applicable' }
    /* the per-account failure budget would otherwise keep the merchant out for 15 minutes */
    await budgets.loginFailuresPerEmail().delete(`email:${user.email}`)
    return { ok: true }
  },

  /** Removes one customer link; the last one stays (a user has at least one customer). */
  async unlink(user: User, customerId: number | null, staff: StaffUser): Promise<ActionResult> {
    await user.load('customers')
    const customer = user.customers.find((entry) => entry.id === customerId)
    if (!customer) return { ok: false, error: 'unknown_customer' }
    if (user.customers.length <= 1) return { ok: false, error: 'last_customer' }
    await db.from('customer_user').where({ user_id: user.id, customer_id: customer.id }).delete()
    await AuditService.record({
      action: 'account.customer_unlinked',
      actor: { type: 'staff', id: staff.id },
      subjectUserId: user.id,
      meta: { customerNumber: customer.customerNumber },
    })
    return { ok: true }
  },
}
