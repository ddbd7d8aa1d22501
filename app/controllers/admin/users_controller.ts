import type { HttpContext } from '@adonisjs/core/http'
import { urlFor } from '@adonisjs/core/services/url_builder'
import { UserDirectory } from '#services/admin/user_directory'
import { availableActions } from '#services/account/account_state_service'
import { USER_STATES } from '#models/user'
import { userFilterValidator } from '#validators/admin'

/** /admin/users: search and detail of merchant users. */
export default class UsersController {
  async index({ request, view }: HttpContext) {
    const { page, ...filters } = await request.validateUsing(userFilterValidator, {
      data: request.qs(),
    })
    const users = await UserDirectory.search({ ...filters, page })
    users.baseUrl(urlFor('admin.users.index'))
    users.queryString(filters)
    return view.render('pages/admin/users/index', { users, filters, states: USER_STATES })
  }

  async show({ params, view }: HttpContext) {
    const detail = await UserDirectory.detail(params.id)
    return view.render('pages/admin/users/show', {
      ...detail,
      actions: availableActions(detail.user),
    })
  }
}
