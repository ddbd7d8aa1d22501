import type { HttpContext } from '@adonisjs/core/http'
import SavedReply from '#models/saved_reply'
import { SavedReplies } from '#services/admin/saved_replies'
import { savedReplyValidator } from '#validators/admin'

/** /admin/saved-replies (support admins): the Textbausteine agents insert into answers. */
export default class SavedRepliesController {
  async index({ view }: HttpContext) {
    return view.render('pages/admin/saved_replies/index', { replies: await SavedReplies.all() })
  }

  async create({ view }: HttpContext) {
    return view.render('pages/admin/saved_replies/form', { reply: null })
  }

  async store({ request, response, session, i18n, auth }: HttpContext) {
    const data = await request.validateUsing(savedReplyValidator)
    await SavedReplies.create(data, auth.use('admin').user!)
    session.flash('success', i18n.t('admin.saved_replies.created', { title: data.title }))
    return response.redirect().toRoute('admin.saved_replies.index')
  }

  async edit({ params, view }: HttpContext) {
    const reply = await SavedReply.findOrFail(params.id)
    return view.render('pages/admin/saved_replies/form', { reply })
  }

  async update({ params, request, response, session, i18n, auth }: HttpContext) {
    const reply = await SavedReply.findOrFail(params.id)
    const data = await request.validateUsing(savedReplyValidator)
    await SavedReplies.update(reply, data, auth.use('admin').user!)
    session.flash('success', i18n.t('admin.saved_replies.updated', { title: data.title }))
    return response.redirect().toRoute('admin.saved_replies.index')
  }

  async destroy({ params, response, session, i18n, auth }: HttpContext) {
    const reply = await SavedReply.findOrFail(params.id)
    await SavedReplies.remove(reply, auth.use('admin').user!)
    session.flash('success', i18n.t('admin.saved_replies.deleted', { title: reply.title }))
    return response.redirect().toRoute('admin.saved_replies.index')
  }
}
