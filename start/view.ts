/*
| Globals every edge template (pages, mails, PDFs) may use.
*/
import app from '@adonisjs/core/services/app'
import edge from 'edge.js'
import operator from '#config/operator'
import { appUrl, demoMode } from '#config/app'
import { formatDate, formatDateTime, formatMoney, formatNumber } from '#services/format/formatters'

edge.global('operator', operator)
edge.global('appUrl', appUrl)
edge.global('demoMode', demoMode)
edge.global('formatMoney', formatMoney)
edge.global('formatDateTime', formatDateTime)
edge.global('formatDate', formatDate)
edge.global('formatNumber', formatNumber)

/*
 * edge.js lists the components directory again for every renderer (every request)
 * unless the instance was created with caching on; the shared instance is created
 * first and configured with `cache: app.inProduction` later, so the listing is
 * repeated in production too. With compiled templates cached the list cannot change:
 * list once.
 */
if (app.inProduction) {
  const listComponents = edge.loader.listComponents.bind(edge.loader)
  let components: ReturnType<typeof listComponents> | undefined
  edge.loader.listComponents = () => (components ??= listComponents())
}
