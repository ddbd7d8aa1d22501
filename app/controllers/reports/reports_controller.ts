import type { HttpContext } from '@adonisjs/core/http'
import { AuditService } from '#services/audit/audit_service'
import { OutOfScope, normalizeChoice } from '#services/merchant/customer_scope'
import { FREQUENCIES } from '#services/reports/report_periods'
import { SubscriptionService } from '#services/reports/subscription_service'
import { subscriptionsValidator } from '#validators/reports'

/** „Berichte per E-Mail“: per linked customer a daily, weekly or monthly summary. */
export default class ReportsController {
  async index({ view, auth, customerScope }: HttpContext) {
    const user = auth.use('web').user!
    const customers = await SubscriptionService.forUser(user.id, customerScope.linked)
    return view.render('pages/reports/index', { customers, frequencies: FREQUENCIES })
  }

  /** Saves one customer's frequencies; a customer not linked to the user is the shared 404. */
  async update({ request, response, session, auth, customerScope, i18n }: HttpContext) {
    const input = await request.validateUsing(subscriptionsValidator)
    const user = auth.use('web').user!
    const number = normalizeChoice(input.customer)
    const customer = customerScope.linked.find((linked) => linked.customerNumber === number)
    if (!customer) throw new OutOfScope()
    const changes = await SubscriptionService.save(user.id, customer.id, input.frequencies ?? [])
    if (changes.added.length || changes.removed.length) {
      await AuditService.record({
        action: 'reports.subscriptions_changed',
        actor: { type: 'user', id: user.id },
        subjectUserId: user.id,
        meta: { customerNumber: customer.customerNumber, ...changes },
      })
    }
    session.flash('success', i18n.t('reports.saved', { customer: customer.customerNumber }))
    return response.redirect().toRoute('reports.index')
  }
}
