import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { controllers } from '#generated/controllers'
import { formPage } from '#exceptions/form_pages'

router
  .group(() => {
    router.get('/', [controllers.merchant.Dashboard, 'show']).as('dashboard')
    router.get('/customer', [controllers.merchant.Customers, 'show']).as('customer.show')
    /* search, sort and page in the query string (terminalListValidator) */
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
    /* „Kassenschnitte“ and „Auszahlungen“ (docs/money.md) */
    router.get('/closings', [controllers.merchant.Closings, 'index']).as('closings.index')
    router
      .get('/closings/:id', [controllers.merchant.Closings, 'show'])
      .where('id', /^\d{1,19}$/)
      .as('closings.show')
    router
      .get('/payouts.csv', [controllers.merchant.PayoutExports, 'download'])
      .as('payouts.export')
    router.get('/payouts', [controllers.merchant.Payouts, 'index']).as('payouts.index')
    router
      .get('/payouts/:id', [controllers.merchant.Payouts, 'show'])
      .where('id', /^\d{1,19}$/)
      .as('payouts.show')
    router
      .post('/customer-switch', [controllers.merchant.CustomerSwitch, 'update'])
      .as('customer_switch.update')
  })
  .use([middleware.auth(), middleware.customerScope()])
/* a refused switch (malformed input) goes back to the dashboard */
formPage('customer_switch.update', { route: 'dashboard' })
/* a malformed search, sort or page goes back to the whole list (not to itself: it is a GET) */
formPage('terminals.index', { route: 'terminals.index' })
formPage('closings.index', { route: 'closings.index' })
formPage('closings.show', { route: 'closings.index' })
formPage('payouts.index', { route: 'payouts.index' })

/* „Rechnungsarchiv“: merchants see and download their customers' invoices. */
router
  .group(() => {
    router.get('/invoices', [controllers.merchant.Invoices, 'index']).as('invoices.index')
    /* „Alle Rechnungen als ZIP“: ?year=2026 or ?from=2026-01&to=2026-06, streamed */
    router.get('/invoices.zip', [controllers.merchant.InvoiceZip, 'download']).as('invoices.zip')
    router
      .get('/invoices/:id/pdf', [controllers.merchant.Invoices, 'pdf'])
      .where('id', /^\d{1,10}$/)
      .as('invoices.pdf')
    router
      .get('/invoices/:id/xml', [controllers.merchant.Invoices, 'xml'])
      .where('id', /^\d{1,10}$/)
      .as('invoices.xml')
  })
  .use([middleware.auth(), middleware.customerScope()])
/* a malformed year goes back to the whole archive (not to itself: it is a GET) */
formPage('invoices.index', { route: 'invoices.index' })
formPage('invoices.zip', { route: 'invoices.index' })
