import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { controllers } from '#generated/controllers'

/* „Rechnungsarchiv“: merchants see and download their customers' invoices. */
router
  .group(() => {
    router.get('/invoices', [controllers.merchant.Invoices, 'index']).as('invoices.index')
    router
      .get('/invoices/:id/pdf', [controllers.merchant.Invoices, 'pdf'])
      .where('id', /^\d{1,10}$/)
      .as('invoices.pdf')
    router
      .get('/invoices/:id/xml', [controllers.merchant.Invoices, 'xml'])
      .where('id', /^\d{1,10}$/)
      .as('invoices.xml')
  })
  .use(middleware.auth())

/* Invoice runs for staff; starting and retrying is for support admins. */
router
  .group(() => {
    router.get('/', [controllers.admin.Invoices, 'index']).as('index')
    router.get('/status', [controllers.admin.Invoices, 'status']).as('status')
    router
      .post('/runs', [controllers.admin.Invoices, 'start'])
      .as('start')
      .use(middleware.staff({ role: 'admin' }))
    router
      .post('/items/:id/retry', [controllers.admin.Invoices, 'retry'])
      .where('id', /^\d{1,10}$/)
      .as('retry')
      .use(middleware.staff({ role: 'admin' }))
  })
  .prefix('/admin/invoices')
  .as('admin.invoices')
  .use(middleware.staff())
