import type { HttpContext } from '@adonisjs/core/http'
import { AuditService } from '#services/audit/audit_service'
import { SessionRegistry } from '#services/account/session_registry'

/** „Andere Sitzungen abmelden“. */
export default class AccountSessionsController {
  async destroyOthers(ctx: HttpContext) {
    const { auth, session, response, i18n } = ctx
    const user = auth.use('web').user!
    const ended = await SessionRegistry.endAll(SessionRegistry.userTag(user.id), session.sessionId)
    await AuditService.record({
      action: 'sessions.ended_others',
      actor: { type: 'user', id: user.id },
      subjectUserId: user.id,
      meta: { ended },
    })
    session.flash('success', i18n.t('account.sessions.ended', { count: ended }))
    return response.redirect('/account#sessions')
  }
}
