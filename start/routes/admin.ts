import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { controllers } from '#generated/controllers'
import { formPage } from '#exceptions/form_pages'
import { QUEUE_NAMES } from '#services/queue/queues'
import { ACCOUNT_ACTIONS } from '#services/account/account_state_service'
import { STAFF_ACTIONS } from '#services/admin/staff_account_service'

/* A route parameter that is one of a list's names; anything else is the 404 page. */
const oneOf = (names: readonly string[]) => new RegExp(`^(${names.join('|')})$`)

/* Admin login: password step, then TOTP (enrolment at the first login). */
router
  .group(() => {
    router
      .get('/login', [controllers.admin.Session, 'show'])
      .as('login')
      .use(middleware.staffGuest())
    router
      .post('/login', [controllers.admin.Session, 'store'])
      .as('login.store')
      .use(middleware.staffGuest())
    router.get('/login/totp', [controllers.admin.SecondFactor, 'showChallenge']).as('totp')
    router
      .post('/login/totp', [controllers.admin.SecondFactor, 'verifyChallenge'])
      .as('totp.verify')
    router.get('/login/enrol', [controllers.admin.SecondFactor, 'showEnrolment']).as('enrol')
    router
      .post('/login/enrol', [controllers.admin.SecondFactor, 'confirmEnrolment'])
      .as('enrol.confirm')
    router.post('/logout', [controllers.admin.Session, 'destroy']).as('logout')
  })
  .prefix('/admin')
  .as('admin')

/* The admin area: staff with a completed second factor. */
router
  .group(() => {
    router
      .get('/recovery-codes', [controllers.admin.SecondFactor, 'showRecoveryCodes'])
      .as('recovery_codes')
    router.get('/', [controllers.admin.Dashboard, 'show']).as('dashboard')

    router.get('/jobs', [controllers.admin.FailedJobs, 'index']).as('jobs.index')
    router
      .post('/jobs/:queue/:jobId/retry', [controllers.admin.FailedJobs, 'retry'])
      .where('queue', oneOf(QUEUE_NAMES))
      .as('jobs.retry')

    router.get('/users', [controllers.admin.Users, 'index']).as('users.index')
    router.get('/users/:id', [controllers.admin.Users, 'show']).as('users.show')
    router
      .get('/users/:id/actions/:action', [controllers.admin.UserActions, 'confirm'])
      .where('action', oneOf(ACCOUNT_ACTIONS))
      .as('users.confirm')
    router
      .post('/users/:id/actions/:action', [controllers.admin.UserActions, 'perform'])
      .where('action', oneOf(ACCOUNT_ACTIONS))
      .as('users.perform')
    formPage('admin.users.perform', { route: 'admin.users.show', params: ['id'] })

    router.get('/tickets', [controllers.admin.Tickets, 'index']).as('tickets.index')
    router.get('/tickets/:id', [controllers.admin.Tickets, 'show']).as('tickets.show')
    router.post('/tickets/:id/reply', [controllers.admin.Tickets, 'reply']).as('tickets.reply')
    formPage('admin.tickets.reply', { route: 'admin.tickets.show', params: ['id'] })
    router.post('/tickets/:id/status', [controllers.admin.Tickets, 'status']).as('tickets.status')
    formPage('admin.tickets.status', { route: 'admin.tickets.show', params: ['id'] })
    router.post('/tickets/:id/assign', [controllers.admin.Tickets, 'assign']).as('tickets.assign')
    formPage('admin.tickets.assign', { route: 'admin.tickets.show', params: ['id'] })
    router.post('/tickets/:id/notes', [controllers.admin.Tickets, 'note']).as('tickets.note')
    formPage('admin.tickets.note', { route: 'admin.tickets.show', params: ['id'], hash: 'note' })

    router.get('/customers', [controllers.admin.Customers, 'index']).as('customers.index')
    router.get('/customers/:id', [controllers.admin.Customers, 'show']).as('customers.show')
    router
      .post('/customers/:id/access-requests/:requestId/approve', [
        controllers.admin.AccessRequests,
        'approve',
      ])
      .where('requestId', router.matchers.number())
      .as('access_requests.approve')
    formPage('admin.access_requests.approve', { route: 'admin.customers.show', params: ['id'] })
    router
      .post('/customers/:id/access-requests/:requestId/deny', [
        controllers.admin.AccessRequests,
        'deny',
      ])
      .where('requestId', router.matchers.number())
      .as('access_requests.deny')
    router
      .get('/customers/:id/invoices/:invoiceId/pdf', [controllers.admin.Customers, 'invoicePdf'])
      .where('invoiceId', router.matchers.number())
      .as('customers.invoice_pdf')
    router.get('/terminals', [controllers.admin.Terminals, 'index']).as('terminals.index')
    router.get('/terminals/:id', [controllers.admin.Terminals, 'show']).as('terminals.show')

    router
      .group(() => {
        router.get('/audit', [controllers.admin.Audit, 'index']).as('audit.index')
        router.get('/staff', [controllers.admin.Staff, 'index']).as('staff.index')
        router.post('/staff', [controllers.admin.Staff, 'store']).as('staff.store')
        router
          .post('/staff/:id/actions/:action', [controllers.admin.Staff, 'perform'])
          .where('action', oneOf(STAFF_ACTIONS))
          .as('staff.perform')
        formPage('admin.staff.perform', { route: 'admin.staff.index' })

        /* Textbausteine: every agent uses them on a ticket; support admins keep the list */
        router
          .get('/saved-replies', [controllers.admin.SavedReplies, 'index'])
          .as('saved_replies.index')
        router
          .get('/saved-replies/new', [controllers.admin.SavedReplies, 'create'])
          .as('saved_replies.create')
        router
          .post('/saved-replies', [controllers.admin.SavedReplies, 'store'])
          .as('saved_replies.store')
        formPage('admin.saved_replies.store', { route: 'admin.saved_replies.create' })
        router
          .get('/saved-replies/:id/edit', [controllers.admin.SavedReplies, 'edit'])
          .as('saved_replies.edit')
        router
          .post('/saved-replies/:id', [controllers.admin.SavedReplies, 'update'])
          .as('saved_replies.update')
        formPage('admin.saved_replies.update', {
          route: 'admin.saved_replies.edit',
          params: ['id'],
        })
        router
          .post('/saved-replies/:id/delete', [controllers.admin.SavedReplies, 'destroy'])
          .as('saved_replies.destroy')
      })
      .use(middleware.staff({ role: 'admin' }))
  })
  .prefix('/admin')
  .as('admin')
  .where('id', router.matchers.number())
  .use(middleware.staff())

/* Invoice runs for staff; starting and retrying is for support admins. */
router
  .group(() => {
    router.get('/', [controllers.admin.Invoices, 'index']).as('index')
    router.get('/status', [controllers.admin.Invoices, 'status']).as('status')
    router
      .post('/runs', [controllers.admin.Invoices, 'start'])
      .as('start')
      .use(middleware.staff({ role: 'admin' }))
    formPage('admin.invoices.start', { route: 'admin.invoices.index' })
    router
      .post('/items/:id/retry', [controllers.admin.Invoices, 'retry'])
      .where('id', { match: /^\d{1,10}$/, cast: (id) => Number(id) })
      .as('retry')
      .use(middleware.staff({ role: 'admin' }))
  })
  .prefix('/admin/invoices')
  .as('admin.invoices')
  .use(middleware.staff())
