import type { HttpContext } from '@adonisjs/core/http'
import { urlFor } from '@adonisjs/core/services/url_builder'
import { LookupService } from '#services/admin/lookup_service'
import { lookupFilterValidator } from '#validators/admin'
import { SupportAccessRequests } from '#services/account/customer_users_service'
import { CUSTOMER_ROLES } from '#models/customer_user'

/**
 * /admin/customers: read-only master data with linked users, pending access
 * requests, and the customer's closings, payouts and open amounts.
 */
export default class CustomersController {
  async index({ request, view }: HttpContext) {
    const { q, page } = await request.validateUsing(lookupFilterValidator, { data: request.qs() })
    const customers = await LookupService.customers(q, page)
    customers.baseUrl(urlFor('admin.customers.index'))
    customers.queryString({ q })
    return view.render('pages/admin/customers/index', { customers, q })
  }

  async show({ params, view }: HttpContext) {
    const customer = await LookupService.customer(params.id)
    const requests = await SupportAccessRequests.pending(customer.id)
    const money = await LookupService.customerMoney(customer.id)
    return view.render('pages/admin/customers/show', {
      customer,
      requests,
      roles: CUSTOMER_ROLES,
      money,
    })
  }
}
