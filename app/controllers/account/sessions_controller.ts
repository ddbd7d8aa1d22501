import type { HttpContext } from '@adonisjs/core/http'
import { urlFor } from '@adonisjs/core/services/url_builder'
import { AccountService } from '#services/account/account_service'

/** „Andere Sitzungen abmelden“. */
export default class AccountSessionsController {
  async destroyOthers({ auth, session, response, i18n }: HttpContext) {
    const ended = await AccountService.endOtherSessions(auth.use('web').user!, session.sessionId)
    session.flash('success', i18n.t('account.sessions.ended', { count: ended }))
    return response.redirect(urlFor('account.show') + '#sessions')
  }
}
