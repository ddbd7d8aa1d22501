import type { HttpContext } from '@adonisjs/core/http'
import { DashboardService } from '#services/admin/dashboard_service'

/** /admin: what is waiting for support. */
export default class DashboardController {
  async show({ view }: HttpContext) {
    return view.render('pages/admin/dashboard', { summary: await DashboardService.summary() })
  }
}
