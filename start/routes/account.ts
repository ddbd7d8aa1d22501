import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { controllers } from '#generated/controllers'
import { formPage } from '#exceptions/form_pages'
import {
  forgotEmailThrottle,
  forgotIpThrottle,
  registerEmailThrottle,
  registerIpThrottle,
} from '#start/limiter'

/* Guest pages: login and registration (a logged-in merchant is sent to the dashboard). */
router
  .group(() => {
    router.get('/login', [controllers.account.Login, 'show']).as('login')
    /* attempts per IP and failure budgets: LoginThrottle.assertAllowed */
    router.post('/login', [controllers.account.Login, 'store']).as('login.store')
    /* step two for merchants with TOTP (a pending login, not a login); budgets: LoginThrottle */
    router.get('/login/totp', [controllers.account.TwoFactor, 'challenge']).as('totp')
    router.post('/login/totp', [controllers.account.TwoFactor, 'verify']).as('totp.verify')
    router.get('/register', [controllers.account.Registration, 'show']).as('register')
    router
      .post('/register', [controllers.account.Registration, 'store'])
      .use([registerIpThrottle, registerEmailThrottle])
      .as('register.store')
  })
  .use(middleware.guest())
  .as('account')

/* Pages reached from a mail or the login page; they work logged in or not. */
router
  .group(() => {
    router.get('/register/sent', [controllers.account.Registration, 'sent']).as('register.sent')
    router
      .get('/verify-email/:token', [controllers.account.Registration, 'confirmPage'])
      .as('verify')
    router
      .post('/verify-email/:token', [controllers.account.Registration, 'verify'])
      .as('verify.store')
    router.get('/forgot-password', [controllers.account.PasswordReset, 'create']).as('forgot')
    router
      .post('/forgot-password', [controllers.account.PasswordReset, 'store'])
      .use([forgotIpThrottle, forgotEmailThrottle])
      .as('forgot.store')
    router
      .get('/forgot-password/sent', [controllers.account.PasswordReset, 'sent'])
      .as('forgot.sent')
    router.get('/reset-password/:token', [controllers.account.PasswordReset, 'edit']).as('reset')
    router
      .post('/reset-password/:token', [controllers.account.PasswordReset, 'update'])
      .as('reset.store')
    router.post('/logout', [controllers.account.Login, 'destroy']).as('logout')
    /* an invitation's link: a new address sets name and password here */
    router.get('/invitation/:token', [controllers.account.Invitations, 'show']).as('invitation')
    router
      .post('/invitation/:token', [controllers.account.Invitations, 'register'])
      .as('invitation.register')
  })
  .as('account')

/* The account page („Benutzerkonto“), behind the merchant login. */
router
  .group(() => {
    router.get('/account', [controllers.account.Account, 'show']).as('show')
    router.post('/account/profile', [controllers.account.Account, 'update']).as('profile')
    router.post('/account/alerts', [controllers.account.Account, 'alerts']).as('alerts')
    router.post('/account/password', [controllers.account.Password, 'update']).as('password')
    router.post('/account/email', [controllers.account.Email, 'store']).as('email')
    router
      .post('/account/customers', [controllers.account.Customers, 'store'])
      .use(registerIpThrottle)
      .as('customers')
    router.get('/account/two-factor', [controllers.account.TwoFactor, 'show']).as('two_factor.show')
    router
      .post('/account/two-factor', [controllers.account.TwoFactor, 'enable'])
      .as('two_factor.enable')
    router
      .get('/account/two-factor/recovery-codes', [controllers.account.TwoFactor, 'codes'])
      .as('two_factor.codes')
    router
      .post('/account/two-factor/disable', [controllers.account.TwoFactor, 'disable'])
      .as('two_factor.disable')
    router
      .post('/account/two-factor/customers/:id', [controllers.account.TwoFactor, 'require'])
      .where('id', /^\d{1,10}$/)
      .as('two_factor.require')
    /* „Benutzer“: owners manage their customers' users and access requests */
    router.get('/account/users', [controllers.account.Users, 'index']).as('users.index')
    router
      .post('/account/users/requests/:id/approve', [controllers.account.Users, 'approve'])
      .where('id', /^\d{1,10}$/)
      .as('users.approve')
    router
      .post('/account/users/requests/:id/deny', [controllers.account.Users, 'deny'])
      .where('id', /^\d{1,10}$/)
      .as('users.deny')
    router
      .post('/account/users/:id/role', [controllers.account.Users, 'role'])
      .where('id', /^\d{1,10}$/)
      .as('users.role')
    router
      .post('/account/users/:id/remove', [controllers.account.Users, 'destroy'])
      .where('id', /^\d{1,10}$/)
      .as('users.remove')
    router
      .post('/account/users/invitations', [controllers.account.Users, 'invite'])
      .as('users.invite')
    router
      .post('/account/users/invitations/:id/revoke', [
        controllers.account.Users,
        'revokeInvitation',
      ])
      .where('id', /^\d{1,10}$/)
      .as('users.invitation_revoke')
    /* an existing account accepts an invitation to its address after logging in */
    router
      .post('/invitation/:token/accept', [controllers.account.Invitations, 'accept'])
      .as('invitation.accept')
    router
      .post('/account/sessions/end-others', [controllers.account.Sessions, 'destroyOthers'])
      .as('sessions.end_others')
    router
      .post('/account/sessions/:id/end', [controllers.account.Sessions, 'destroy'])
      .where('id', /^[\w-]{24}$/)
      .as('sessions.end')
  })
  .use([middleware.auth(), middleware.customerScope()])
  .as('account')

/* The account page's forms go back to their own section of the page when refused. */
formPage('account.profile', { route: 'account.show' })
formPage('account.password', { route: 'account.show', hash: 'password' })
formPage('account.alerts', { route: 'account.show', hash: 'alerts' })
formPage('account.email', { route: 'account.show', hash: 'email' })
formPage('account.customers', { route: 'account.show', hash: 'customers' })
formPage('account.users.approve', { route: 'account.users.index' })
formPage('account.users.role', { route: 'account.users.index' })
formPage('account.users.invite', { route: 'account.users.index', hash: 'invite' })
formPage('account.two_factor.disable', { route: 'account.two_factor.show' })
formPage('account.two_factor.require', { route: 'account.two_factor.show', hash: 'require' })

/* The link mailed to a new address; it works without being logged in. */
router
  .get('/account/email/confirm/:token', [controllers.account.Email, 'confirmPage'])
  .as('account.email.confirm')
router
  .post('/account/email/confirm/:token', [controllers.account.Email, 'confirm'])
  .as('account.email.confirm.store')
