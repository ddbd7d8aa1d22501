import type { HttpContext } from '@adonisjs/core/http'
import { urlFor } from '@adonisjs/core/services/url_builder'
import { ChangeRequestService } from '#services/changes/change_request_service'
import { confirmLinkPage } from '#helpers/confirm_link_page'

/**
 * The link in the confirmation mail of a bank-account change. No login: it goes
 * to the customer's existing contact address, which may belong to no portal user.
 * The page says only „bestätigt“ (or that the link is invalid), nothing of the account.
 */
export default class ConfirmationsController {
  /** The mailed link only asks (mail scanners open links); the button confirms. */
  async ask(ctx: HttpContext) {
    const token = ctx.params.token
    return confirmLinkPage(ctx, {
      valid: !!(await ChangeRequestService.awaitingConfirmation(token)),
      keys: {
        title: 'changes.confirm.ask_title',
        text: 'changes.confirm.ask_text',
        button: 'changes.confirm.ask_button',
      },
      action: urlFor('changes.confirm.store', { token }),
      invalid: { view: 'pages/changes/confirmed', data: { confirmed: false } },
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
