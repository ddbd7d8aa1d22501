import { DateTime } from 'luxon'
import mail from '@adonisjs/mail/services/main'
import type User from '#models/user'
import { type LockReason } from '#models/user'
import AccountLockedMail from '#mails/account_locked_mail'
import { AuditService, type AuditActor } from '#services/audit/audit_service'
import { SessionRegistry } from '#services/account/session_registry'
import { LoginThrottle } from '#services/account/login_throttle'

/*
| The only place a merchant account is locked or unlocked. A lock ends every
| session of the user at once; the auth middleware logs out any request that
| still arrives on an old session. Support calls these from /admin.
*/
export const AccountStateService = {
  /** Locks the account (reason `failed_logins` mails the owner), ends all sessions, audits. */
  async lock(user: User, reason: LockReason, actor: AuditActor, note: string | null = null) {
    user.state = 'locked'
    user.lockReason = reason
    user.lockNote = note ? note.slice(0, 500) : null
    user.lockedAt = DateTime.now()
    await user.save()
    const ended = await SessionRegistry.endAll(SessionRegistry.userTag(user.id))
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
}
