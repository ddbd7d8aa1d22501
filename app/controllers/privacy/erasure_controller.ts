import type { HttpContext } from '@adonisjs/core/http'
import { urlFor } from '@adonisjs/core/services/url_builder'
import { eraseSelfValidator } from '#validators/privacy'
import { ErasureService } from '#services/privacy/erasure_service'
import { SessionRegistry } from '#services/account/session_registry'
import { flashFieldError } from '#helpers/form_feedback'

/** „Konto löschen“ on /account/privacy, and the confirmation page afterwards. */
export default class ErasureController {
  async destroy(ctx: HttpContext) {
    const { auth, request, response, session, i18n } = ctx
    const data = await request.validateUsing(eraseSelfValidator)
    const user = auth.use('web').user!
    const result = await ErasureService.eraseSelf(user, data.current_password, data.code, {
      ip: request.ip(),
      i18n,
    })
    if (!result.ok) {
      if (result.error === 'wrong_password') {
        flashFieldError(ctx, 'current_password', i18n.t('privacy.erase.wrong_password'))
      } else if (result.error === 'wrong_code') {
        flashFieldError(ctx, 'code', i18n.t('privacy.erase.wrong_code'))
      } else if (result.error === 'last_owner') {
        session.flash(
          'error',
          i18n.t('privacy.erase.last_owner', {
            customers: (result.customers ?? [])
              .map((customer) => `${customer.companyName} (${customer.customerNumber})`)
              .join(', '),
          })
        )
      } else {
        session.flash('error', i18n.t('privacy.erase.not_applicable'))
      }
      return response.redirect(urlFor('privacy.show') + '#erase')
    }
    const guard = auth.use('web')
    await session.untag(SessionRegistry.userTag(user.id))
    await guard.logout()
    session.clear()
    return response.redirect().toRoute('privacy.erased')
  }

  async erased({ view }: HttpContext) {
    return view.render('pages/privacy/erased')
  }
}
