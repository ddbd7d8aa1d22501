import type { HttpContext } from '@adonisjs/core/http'
import { RequestService } from '#services/requests/request_service'
import { replyValidator, requestParamsValidator } from '#validators/requests'

/** A reply from the portal to one of the user's requests (a solved one opens again). */
export default class RepliesController {
  async store({ request, response, session, auth, customerScope, params, i18n }: HttpContext) {
    const { id } = await request.validateUsing(requestParamsValidator, { data: params })
    const viewer = RequestService.viewer(auth.use('web').user!.id, customerScope.linked)
    const { ticket } = await RequestService.find(viewer, id)
    const { body } = await request.validateUsing(replyValidator)
    const { reopened } = await RequestService.reply(ticket, viewer.userId, body)
    session.flash('success', i18n.t(reopened ? 'requests.reply_reopened' : 'requests.reply_sent'))
    return response.redirect().toRoute('requests.show', { id: ticket.id })
  }
}
