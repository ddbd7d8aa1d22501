import type { HttpContext } from '@adonisjs/core/http'
import { loginValidator } from '#validators/auth'
import { LOCALE_COOKIE } from '#middleware/detect_user_locale_middleware'
import { LoginService } from '#services/account/login_service'
import { SessionPolicy } from '#services/account/session_policy'
import { SessionRegistry } from '#services/account/session_registry'
import { safeRedirectTarget } from '#services/account/redirect_target'

/** „Anmelden“ and „Abmelden“ for merchants. */
export default class SessionController {
  async show({ view, request }: HttpContext) {
    return view.render('pages/account/login', {
      redirect: safeRedirectTarget(request.input('redirect'), ''),
      loggedOut: request.input('logged_out') === '1',
    })
  }

  async store(ctx: HttpContext) {
    const { request, response, session, auth, i18n } = ctx
    const { email, password, redirect } = await request.validateUsing(loginValidator)
    const result = await LoginService.attempt(email, password, ctx)
    const target = safeRedirectTarget(redirect, '/')

    if (!result.ok) {
      session.flash('error', i18n.t('account.login.failed'))
      session.flashOnly(['email'])
      return response.redirect(
        target === '/' ? '/login' : `/login?redirect=${encodeURIComponent(target)}`
      )
    }

    await auth.use('web').login(result.user)
    SessionPolicy.start(session, {
      ip: request.ip(),
      userAgent: request.header('user-agent') ?? '',
    })
    await SessionRegistry.track(session, SessionRegistry.userTag(result.user.id))
    /* the portal speaks the language chosen on the account page from now on */
    response.plainCookie(LOCALE_COOKIE, result.user.locale, {
      encode: false,
      maxAge: '365d',
      httpOnly: true,
      sameSite: 'lax',
    })
    return response.redirect(target)
  }

  async destroy({ auth, session, response }: HttpContext) {
    const guard = auth.use('web')
    if (await guard.check()) {
      await session.untag(SessionRegistry.userTag(guard.user!.id))
      await guard.logout()
      session.clear()
    }
    /* a query flag, not a flash: a request still running on the old page (the live feed's
       unsubscribe) would otherwise consume the flash before the login page shows it */
    return response.redirect('/login?logged_out=1')
  }
}
