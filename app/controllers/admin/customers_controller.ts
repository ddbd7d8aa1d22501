import type { HttpContext } from '@adonisjs/core/http'
import { LookupService } from '#services/admin/lookup_service'

/** /admin/customers: read-only master data with linked users. */
export default class CustomersController {
  async index({ request, view }: HttpContext) {
    const q = String(request.input('q', '')).slice(0, 100)
    const customers = await LookupService.customers(q, Number(request.input('page', 1)) || 1)
    customers.baseUrl(request.url())
    customers.queryString({ q })
    return view.render('pages/admin/customers/index', { customers, q })
  }

  async show({ params, view, response }: HttpContext) {
    const customer = await LookupService.customer(Number(params.id))
    if (!customer) return response.notFound()
    return view.render('pages/admin/customers/show', { customer })
  }
}
