import type { HttpContext } from '@adonisjs/core/http'
import { loginPageValidator, loginValidator } from '#validators/account'
import { LOCALE_COOKIE } from '#middleware/detect_user_locale_middleware'
import { LoginService } from '#services/account/login_service'
import { SessionRegistry } from '#services/account/session_registry'
import { LiveRevocation } from '#services/ingest/live_revocation'
import { safeRedirectTarget } from '#services/account/redirect_target'

/** „Anmelden“ and „Abmelden“ for merchants. */
export default class SessionController {
  async show({ view, request }: HttpContext) {
    const query = await request.validateUsing(loginPageValidator, { data: request.qs() })
    return view.render('pages/account/login', {
      redirect: safeRedirectTarget(query.redirect, ''),
      loggedOut: query.logged_out === true,
    })
  }

  async store(ctx: HttpContext) {
    const { request, response, session, i18n } = ctx
    const { email, password, redirect } = await request.validateUsing(loginValidator)
    const target = safeRedirectTarget(redirect, '/')
    const login = await LoginService.logIn(ctx, email, password, target)

    if (!login) {
      session.flash('error', i18n.t('account.login.failed'))
      session.flashOnly(['email'])
      return response
        .redirect()
        .toRoute('account.login', undefined, target === '/' ? {} : { qs: { redirect: target } })
    }

    /* with TOTP: not logged in yet, the code step comes next */
    if (login.secondFactor) return response.redirect().toRoute('account.totp')

    /* the portal speaks the language chosen on the account page from now on */
    response.plainCookie(LOCALE_COOKIE, login.user.locale, {
      encode: false,
      maxAge: '365d',
      httpOnly: true,
      sameSite: 'lax',
    })
    /* a same-site path the merchant came from (checked by safeRedirectTarget) */
    return response.redirect(target)
  }

  async destroy({ auth, session, response }: HttpContext) {
    const guard = auth.use('web')
    if (await guard.check()) {
      /* this session's live streams (other tabs) end now, not at their next session check */
      await LiveRevocation.sessionEnded(guard.user!.id, session.sessionId)
      await session.untag(SessionRegistry.userTag(guard.user!.id))
      await guard.logout()
      session.clear()
    }
    /* a query flag, not a flash: a request still running on the old page (the live feed's
       unsubscribe) would otherwise consume the flash before the login page shows it */
    return response.redirect().toRoute('account.login', undefined, { qs: { logged_out: 1 } })
  }
}
