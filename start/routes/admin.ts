import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { controllers } from '#generated/controllers'

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
      .as('jobs.retry')

    router.get('/users', [controllers.admin.Users, 'index']).as('users.index')
    router.get('/users/:id', [controllers.admin.Users, 'show']).as('users.show')
    router
      .get('/users/:id/actions/:action', [controllers.admin.UserActions, 'confirm'])
      .as('users.confirm')
    router
      .post('/users/:id/actions/:action', [controllers.admin.UserActions, 'perform'])
      .as('users.perform')

    router.get('/tickets', [controllers.admin.Tickets, 'index']).as('tickets.index')
    router.get('/tickets/:id', [controllers.admin.Tickets, 'show']).as('tickets.show')
    router.post('/tickets/:id/reply', [controllers.admin.Tickets, 'reply']).as('tickets.reply')
    router.post('/tickets/:id/status', [controllers.admin.Tickets, 'status']).as('tickets.status')

    router.get('/customers', [controllers.admin.Customers, 'index']).as('customers.index')
    router.get('/customers/:id', [controllers.admin.Customers, 'show']).as('customers.show')
    router.get('/terminals', [controllers.admin.Terminals, 'index']).as('terminals.index')
    router.get('/terminals/:id', [controllers.admin.Terminals, 'show']).as('terminals.show')

    router
      .group(() => {
        router.get('/audit', [controllers.admin.Audit, 'index']).as('audit.index')
        router.get('/staff', [controllers.admin.Staff, 'index']).as('staff.index')
        router.post('/staff', [controllers.admin.Staff, 'store']).as('staff.store')
        router
          .post('/staff/:id/actions/:action', [controllers.admin.Staff, 'perform'])
          .as('staff.perform')
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
    router
      .post('/items/:id/retry', [controllers.admin.Invoices, 'retry'])
      .where('id', /^\d{1,10}$/)
      .as('retry')
      .use(middleware.staff({ role: 'admin' }))
  })
  .prefix('/admin/invoices')
  .as('admin.invoices')
  .use(middleware.staff())
