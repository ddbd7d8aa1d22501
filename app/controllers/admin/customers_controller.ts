import type { HttpContext } from '@adonisjs/core/http'
import { urlFor } from '@adonisjs/core/services/url_builder'
import { LookupService } from '#services/admin/lookup_service'
import { CustomerRecords } from '#services/admin/customer_records'
import { lookupFilterValidator } from '#validators/admin'
import { SupportAccessRequests } from '#services/account/customer_users_service'
import { CUSTOMER_ROLES } from '#models/customer_user'
import { errors as lucidErrors } from '@adonisjs/lucid'

/**
 * /admin/customers: read-only master data with linked users, pending access
 * requests, the customer's closings, payouts and open amounts, and (audited)
 * its transactions and invoices.
 */
export default class CustomersController {
  async index({ request, view }: HttpContext) {
    const { q, page } = await request.validateUsing(lookupFilterValidator, { data: request.qs() })
    const customers = await LookupService.customers(q, page)
    customers.baseUrl(urlFor('admin.customers.index'))
    customers.queryString({ q })
    return view.render('pages/admin/customers/index', { customers, q })
  }

  async show({ params, view, auth }: HttpContext) {
    const customer = await LookupService.customer(params.id)
    const requests = await SupportAccessRequests.pending(customer.id)
    const money = await LookupService.customerMoney(customer.id)
    const records = await CustomerRecords.look(customer.id, auth.use('admin').user!)
    return view.render('pages/admin/customers/show', {
      customer,
      requests,
      roles: CUSTOMER_ROLES,
      money,
      records,
    })
  }

  /** An invoice PDF of this customer (the merchant's archive file, checked before it leaves). */
  async invoicePdf({ params, response, view, auth, i18n }: HttpContext) {
    const staff = auth.use('admin').user!
    const result = await CustomerRecords.invoicePdf(params.id, params.invoiceId, staff, i18n.locale)
    if (result.status === 'not_found') throw new lucidErrors.E_ROW_NOT_FOUND()
    if (result.status === 'unavailable') {
      return response.status(503).send(await view.render('pages/merchant/invoices/unavailable'))
    }
    response.header('Content-Type', result.file.contentType)
    response.header('Content-Disposition', `attachment; filename="${result.file.fileName}"`)
    response.header('Cache-Control', 'no-store')
    response.header('X-Content-Type-Options', 'nosniff')
    return response.send(result.file.bytes)
  }
}
