import type { HttpContext } from '@adonisjs/core/http'
import { urlFor } from '@adonisjs/core/services/url_builder'
import { DashboardService } from '#services/merchant/dashboard_service'
import { transactionsChannel } from '#services/ingest/live_feed'
import { berlinToday } from '#services/merchant/transaction_filter'

export default class DashboardController {
  /** Figures, charts (data for public/js/dashboard.js), latest transactions (live), invoice, terminals. */
  async show({ view, i18n, bouncer, customerScope: linked }: HttpContext) {
    const customerScope = await linked.authorize(bouncer, 'viewDashboard')
    const overview = await DashboardService.overview(customerScope)
    const chart = {
      locale: i18n.locale,
      days: overview.daily.map((d) => d.day),
      turnover: overview.daily.map((d) => d.turnover / 100),
      brands: overview.brands.map((b) => i18n.t(`transactions.brands.${b.brand}`)),
      brandCounts: overview.brands.map((b) => b.count),
      labels: {
        turnover: i18n.t('dashboard.chart_turnover'),
        brands: i18n.t('dashboard.chart_brands'),
      },
    }
    const today = berlinToday()
    const live = {
      channels: customerScope.ids.map((id) => transactionsChannel(id)),
      url: urlFor('transactions.live', undefined, {
        qs: { from: today, to: today, customer: customerScope.param },
      }),
      since: overview.sinceId,
    }
    return view.render('pages/merchant/dashboard', {
      ...overview,
      chart: JSON.stringify(chart),
      live,
    })
  }
}
