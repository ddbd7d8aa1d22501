import type { HttpContext } from '@adonisjs/core/http'
import { urlFor } from '@adonisjs/core/services/url_builder'
import { ChangeRequestService } from '#services/changes/change_request_service'

/**
 * The link in the confirmation mail of a bank-account change. No login: it goes
 * to the customer's existing contact address, which may belong to no portal user.
 * The page says only „bestätigt“ (or that the link is invalid), nothing of the account.
 */
export default class ConfirmationsController {
  /** The mailed link only asks (mail scanners open links); the button confirms. */
  async ask({ params, response, view, i18n }: HttpContext) {
    response.header('Referrer-Policy', 'no-referrer')
    response.header('Cache-Control', 'no-store')
    if (!(await ChangeRequestService.awaitingConfirmation(params.token))) {
      response.status(410)
      return view.render('pages/changes/confirmed', { confirmed: false })
    }
    return view.render('pages/shared/confirm_link', {
      title: i18n.t('changes.confirm.ask_title'),
      text: i18n.t('changes.confirm.ask_text'),
      button: i18n.t('changes.confirm.ask_button'),
      action: urlFor('changes.confirm.store', { token: params.token }),
    })
  }

  async show({ params, response, view }: HttpContext) {
    const confirmed = await ChangeRequestService.confirm(params.token)
    response.header('Referrer-Policy', 'no-referrer')
    response.header('Cache-Control', 'no-store')
    if (!confirmed) response.status(410)
    return view.render('pages/changes/confirmed', { confirmed: !!confirmed })
  }
}
