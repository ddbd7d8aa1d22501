import type { HttpContext } from '@adonisjs/core/http'
import i18nManager from '@adonisjs/i18n/services/main'
import { LOCALE_COOKIE } from '#middleware/detect_user_locale_middleware'
import { safeRedirectTarget } from '#services/account/redirect_target'

export default class LocaleController {
  /** The visible language switch: remembered in a cookie (and on the account when logged in). */
  async update({ request, response, auth }: HttpContext) {
    const locale = String(request.input('locale', ''))
    if (i18nManager.supportedLocales().includes(locale)) {
      response.plainCookie(LOCALE_COOKIE, locale, {
        encode: false,
        maxAge: '365d',
        httpOnly: true,
        sameSite: 'lax',
      })
      const user = (await auth.use('web').check()) ? auth.use('web').user : null
      if (user && user.locale !== locale) {
        user.locale = locale
        await user.save()
      }
    }
    return response.redirect(safeRedirectTarget(request.input('back'), '/'))
  }
}
