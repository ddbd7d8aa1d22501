import type { HttpContext } from '@adonisjs/core/http'
import Customer from '#models/customer'

export default class CustomersController {
  /** Master data of the chosen customer(s); changes go through the contact form. */
  async show({ view, bouncer, customerScope: linked }: HttpContext) {
    const customerScope = await linked.authorize(bouncer, 'viewMasterData')
    const customers = await Customer.query()
      .whereIn('id', customerScope.ids)
      .orderBy('customer_number')
    return view.render('pages/merchant/customer', { customers })
  }
}
