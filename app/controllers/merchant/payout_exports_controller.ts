import type { HttpContext } from '@adonisjs/core/http'
import { PayoutExportService } from '#services/merchant/payout_export_service'

export default class PayoutExportsController {
  /** „Auszahlungen“ as CSV: roles that may see payouts and export. */
  async download({ response, i18n, bouncer, customerScope: linked }: HttpContext) {
    const payouts = await linked.authorize(bouncer, 'viewPayouts')
    const scope = await payouts.authorize(bouncer, 'export')
    response.header('Content-Type', 'text/csv; charset=utf-8')
    response.header(
      'Content-Disposition',
      `attachment; filename="${PayoutExportService.filename(i18n.locale)}"`
    )
    const t = (key: string) => i18n.t(key)
    return response.stream(PayoutExportService.stream(scope.ids, i18n.locale, t))
  }
}
