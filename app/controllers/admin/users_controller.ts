import type { HttpContext } from '@adonisjs/core/http'
import { UserDirectory } from '#services/admin/user_directory'
import { availableActions } from '#services/admin/user_admin_service'
import { USER_STATES } from '#models/user'

/** /admin/users: search and detail of merchant users. */
export default class UsersController {
  async index({ request, view }: HttpContext) {
    const filters = {
      q: String(request.input('q', '')).slice(0, 100),
      state: String(request.input('state', '')),
      page: Number(request.input('page', 1)) || 1,
    }
    const users = await UserDirectory.search(filters)
    users.baseUrl(request.url())
    users.queryString({ q: filters.q, state: filters.state })
    return view.render('pages/admin/users/index', { users, filters, states: USER_STATES })
  }

  async show({ params, view, response }: HttpContext) {
    const detail = await UserDirectory.detail(Number(params.id))
    if (!detail) return response.notFound()
    return view.render('pages/admin/users/show', {
      ...detail,
      actions: availableActions(detail.user),
    })
  }
}
