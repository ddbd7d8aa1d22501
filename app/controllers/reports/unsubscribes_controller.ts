import type { HttpContext } from '@adonisjs/core/http'
import { AuditService } from '#services/audit/audit_service'
import { OutOfScope } from '#services/merchant/customer_scope'
import { SubscriptionService, UNSUBSCRIBE_PURPOSE } from '#services/reports/subscription_service'
import { unsubscribeParamsValidator } from '#validators/reports'

/**
 * Unsubscribe from a report mail: the signed link works without a login; a link
 * whose signature does not fit is the shared 404. Opening the link changes
 * nothing (mail scanners and link previews open every link in a mail): it shows a
 * confirm button, and only the POST it sends — or a mail client's RFC 8058
 * one-click POST — removes the subscription.
 */
export default class UnsubscribesController {
  async show(ctx: HttpContext) {
    const id = await this.#subscriptionId(ctx)
    const subscription = await SubscriptionService.find(id)
    return ctx.view.render('pages/reports/unsubscribe', {
      subscription,
      /* the POST goes to the same signed address */
      action: ctx.request.url(true),
    })
  }

  /**
   * The confirm button, or RFC 8058 one-click: the mail client POSTs
   * `List-Unsubscribe=One-Click` to the signed link. The signature is the
   * authorisation (config/shield.ts exempts this route from CSRF).
   */
  async oneClick(ctx: HttpContext) {
    const oneClick = ctx.request.input('List-Unsubscribe') === 'One-Click'
    const id = await this.#subscriptionId(ctx)
    const removed = await SubscriptionService.remove(id)
    if (removed) {
      await AuditService.record({
        action: 'reports.unsubscribed',
        actor: { type: 'user', id: removed.userId },
        subjectUserId: removed.userId,
        meta: {
          customerNumber: removed.customerNumber,
          frequency: removed.frequency,
          via: oneClick ? 'one_click' : 'link',
        },
      })
    }
    if (oneClick) return ctx.response.ok({ unsubscribed: true })
    return ctx.view.render('pages/reports/unsubscribed', { removed })
  }

  async #subscriptionId({ request, params }: HttpContext) {
    if (!request.hasValidSignature(UNSUBSCRIBE_PURPOSE)) throw new OutOfScope()
    const { id } = await request.validateUsing(unsubscribeParamsValidator, { data: params })
    return id
  }
}
