import type { HttpContext } from '@adonisjs/core/http'
import { Exception } from '@adonisjs/core/exceptions'
import { urlFor } from '@adonisjs/core/services/url_builder'
import { AccountService } from '#services/account/account_service'
import { SessionRegistry } from '#services/account/session_registry'

/** „Andere Sitzungen abmelden“ and „Abmelden“ of one other session. */
export default class AccountSessionsController {
  async destroyOthers({ auth, session, response, i18n }: HttpContext) {
    const ended = await AccountService.endOtherSessions(auth.use('web').user!, session)
    session.flash('success', i18n.t('account.sessions.ended', { count: ended }))
    return response.redirect(urlFor('account.show') + '#sessions')
  }

  /**
   * Ends one other session, named by its handle (the route admits only handle-shaped
   * values). Another user's session, an ended one or this one: the same 404 as a missing one.
   */
  async destroy({ auth, session, params, response, i18n }: HttpContext) {
    const ended = await SessionRegistry.endUserSession(
      auth.use('web').user!.id,
      String(params.id),
      session.sessionId
    )
    if (!ended) throw new Exception('Not found', { status: 404, code: 'E_NOT_FOUND' })
    session.flash('success', i18n.t('account.sessions.ended_one'))
    return response.redirect(urlFor('account.show') + '#sessions')
  }
}
