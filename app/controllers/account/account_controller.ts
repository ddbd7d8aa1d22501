import type { HttpContext } from '@adonisjs/core/http'
import i18nManager from '@adonisjs/i18n/services/main'
import { urlFor } from '@adonisjs/core/services/url_builder'
import { alertSettingsValidator, profileValidator } from '#validators/account'
import { LOCALE_COOKIE } from '#middleware/detect_user_locale_middleware'
import { AccountService } from '#services/account/account_service'
import { SessionRegistry } from '#services/account/session_registry'

/** The account page („Benutzerkonto“): profile, language, alert mails, and the overview of the other forms. */
export default class AccountController {
  async show({ auth, view, session }: HttpContext) {
    const user = auth.use('web').user!
    await user.load('customers', (query) => query.orderBy('customer_number'))
    const sessions = await SessionRegistry.list(SessionRegistry.userTag(user.id))
    return view.render('pages/account/show', {
      user,
      pendingEmail: await AccountService.pendingEmail(user),
      sessions: sessions
        .map((entry) => ({ ...entry, current: entry.id === session.sessionId }))
        .sort(
          (a, b) => Number(b.current) - Number(a.current) || (b.startedAt ?? 0) - (a.startedAt ?? 0)
        ),
      signIns: await SessionRegistry.signInHistory(user.id),
    })
  }

  async update({ auth, request, response, session }: HttpContext) {
    const data = await request.validateUsing(profileValidator)
    await AccountService.updateProfile(auth.use('web').user!, {
      fullName: data.full_name || null,
      phone: data.phone || null,
      locale: data.locale,
    })
    response.plainCookie(LOCALE_COOKIE, data.locale, {
      encode: false,
      maxAge: '365d',
      httpOnly: true,
      sameSite: 'lax',
    })
    /* the confirmation already speaks the newly chosen language */
    session.flash('success', i18nManager.locale(data.locale).t('account.profile.saved'))
    return response.redirect().toRoute('account.show')
  }

  /** The two alert switches: a terminal without a Kassenschnitt, differences (checkbox absent = off). */
  async alerts({ auth, request, response, session, i18n }: HttpContext) {
    const data = await request.validateUsing(alertSettingsValidator)
    await AccountService.updateAlerts(auth.use('web').user!, {
      alertUnclosed: data.alert_unclosed === true,
      alertDifferences: data.alert_differences === true,
    })
    session.flash('success', i18n.t('account.alerts.saved'))
    return response.redirect(urlFor('account.show') + '#alerts')
  }
}
