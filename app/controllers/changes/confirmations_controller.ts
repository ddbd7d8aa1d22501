import type { HttpContext } from '@adonisjs/core/http'
import { ChangeRequestService } from '#services/changes/change_request_service'

/**
 * The link in the confirmation mail of a bank-account change. No login: it goes
 * to the customer's existing contact address, which may belong to no portal user.
 * The page says only „bestätigt“ (or that the link is invalid), nothing of the account.
 */
export default class ConfirmationsController {
  async show({ params, response, view }: HttpContext) {
    const confirmed = await ChangeRequestService.confirm(params.token)
    response.header('Referrer-Policy', 'no-referrer')
    response.header('Cache-Control', 'no-store')
    if (!confirmed) response.status(410)
    return view.render('pages/changes/confirmed', { confirmed: !!confirmed })
  }
}
