import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { controllers } from '#generated/controllers'
import { formPage } from '#exceptions/form_pages'

/*
| „Berichte per E-Mail“ (docs/reports.md): subscriptions per linked customer, and
| the signed one-click unsubscribe link from the mail (no login).
*/
router
  .group(() => {
    router.get('/reports', [controllers.reports.Reports, 'index']).as('reports.index')
    router.post('/reports', [controllers.reports.Reports, 'update']).as('reports.update')
  })
  .use([middleware.auth(), middleware.customerScope()])

router
  .get('/reports/unsubscribe/:id', [controllers.reports.Unsubscribes, 'show'])
  .where('id', /^\d{1,10}$/)
  .as('reports.unsubscribe')
/* RFC 8058 one-click (List-Unsubscribe-Post); the signature authorises it, CSRF-exempt in config/shield.ts */
router
  .post('/reports/unsubscribe/:id', [controllers.reports.Unsubscribes, 'oneClick'])
  .where('id', /^\d{1,10}$/)
  .as('reports.unsubscribe.one_click')

/* a refused form goes back to its page */
formPage('reports.update', { route: 'reports.index' })
