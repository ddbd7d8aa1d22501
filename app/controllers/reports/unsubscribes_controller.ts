import type { HttpContext } from '@adonisjs/core/http'
import { AuditService } from '#services/audit/audit_service'
import { OutOfScope } from '#services/merchant/customer_scope'
import { SubscriptionService, UNSUBSCRIBE_PURPOSE } from '#services/reports/subscription_service'
import { unsubscribeParamsValidator } from '#validators/reports'

/**
 * One-click unsubscribe from a report mail: the signed link works without a
 * login; a link whose signature does not fit is the shared 404.
 */
export default class UnsubscribesController {
  async show(ctx: HttpContext) {
    const removed = await this.#unsubscribe(ctx, 'link')
    return ctx.view.render('pages/reports/unsubscribed', { removed })
  }

  /**
   * RFC 8058 one-click: the mail client POSTs `List-Unsubscribe=One-Click` to the
   * signed link. The signature is the authorisation (config/shield.ts exempts this
   * route from CSRF, as no form of ours sends it).
   */
  async oneClick(ctx: HttpContext) {
    await this.#unsubscribe(ctx, 'one_click')
    return ctx.response.ok({ unsubscribed: true })
  }

  async #unsubscribe({ request, params }: HttpContext, via: 'link' | 'one_click') {
    if (!request.hasValidSignature(UNSUBSCRIBE_PURPOSE)) throw new OutOfScope()
    const { id } = await request.validateUsing(unsubscribeParamsValidator, { data: params })
    const removed = await SubscriptionService.remove(id)
    if (removed) {
      await AuditService.record({
        action: 'reports.unsubscribed',
        actor: { type: 'user', id: removed.userId },
        subjectUserId: removed.userId,
        meta: { customerNumber: removed.customerNumber, frequency: removed.frequency, via },
      })
    }
    return removed
  }
}
