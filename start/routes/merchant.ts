import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { controllers } from '#generated/controllers'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { CustomerScope } from '#services/merchant/customer_scope'
import { rowFormat } from '#services/merchant/row_format'
import { formPage } from '#exceptions/form_pages'

/* Every merchant page gets the user's customer scope (linked customers narrowed by the switch). */
async function customerScope(ctx: HttpContext, next: NextFn) {
  ctx.customerScope = await CustomerScope.resolve(ctx)
  ctx.view.share({ customerScope: ctx.customerScope, fmt: rowFormat(ctx.i18n) })
  return next()
}

router
  .group(() => {
    router.get('/', [controllers.merchant.Dashboard, 'show']).as('dashboard')
    router.get('/customer', [controllers.merchant.Customers, 'show']).as('customer.show')
    router.get('/terminals', [controllers.merchant.Terminals, 'index']).as('terminals.index')
    router.get('/terminals/:tid', [controllers.merchant.Terminals, 'show']).as('terminals.show')
    router
      .get('/transactions.csv', [controllers.merchant.TransactionExports, 'download'])
      .as('transactions.export')
    router
      .get('/transactions/live', [controllers.merchant.Transactions, 'live'])
      .as('transactions.live')
    router
      .get('/transactions', [controllers.merchant.Transactions, 'index'])
      .as('transactions.index')
    router
      .get('/transactions/:id', [controllers.merchant.Transactions, 'show'])
      .where('id', /^\d{1,19}$/)
      .as('transactions.show')
    router
      .post('/customer-switch', [controllers.merchant.CustomerSwitch, 'update'])
      .as('customer_switch.update')
  })
  .use([middleware.auth(), customerScope])
/* a refused switch (malformed input) goes back to the dashboard */
formPage('customer_switch.update', { route: 'dashboard' })

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
/* a malformed year goes back to the whole archive (not to itself: it is a GET) */
formPage('invoices.index', { route: 'invoices.index' })
