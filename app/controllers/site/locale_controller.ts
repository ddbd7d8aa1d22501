import type { HttpContext } from '@adonisjs/core/http'
import i18nManager from '@adonisjs/i18n/services/main'
import { localeValidator } from '#validators/site'
import { LOCALE_COOKIE } from '#middleware/detect_user_locale_middleware'
import { AccountService } from '#services/account/account_service'
import { safeRedirectTarget } from '#services/account/redirect_target'

export default class LocaleController {
  /** The visible language switch: remembered in a cookie (and on the account when logged in). */
  async update({ request, response, auth }: HttpContext) {
    const { locale, back } = await request.validateUsing(localeValidator)
    if (locale && i18nManager.supportedLocales().includes(locale)) {
      response.plainCookie(LOCALE_COOKIE, locale, {
        encode: false,
        maxAge: '365d',
        httpOnly: true,
        sameSite: 'lax',
      })
      const web = auth.use('web')
      if (await web.check()) await AccountService.rememberLocale(web.user!, locale)
    }
    /* back to the same-site page the switch was used on (checked by safeRedirectTarget) */
    return response.redirect(safeRedirectTarget(back, '/'))
  }
}
