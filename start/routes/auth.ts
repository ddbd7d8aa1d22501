import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { controllers } from '#generated/controllers'
import { loginIpThrottle } from '#start/limiter'

/* Guest pages: login, registration, password recovery. */
router
  .group(() => {
    router.get('/login', [controllers.auth.Session, 'show']).as('login')
    router
      .post('/login', [controllers.auth.Session, 'store'])
      .use(loginIpThrottle)
      .as('login.store')
  })
  .use(middleware.guest())
  .as('auth')

router.post('/logout', [controllers.auth.Session, 'destroy']).as('auth.logout')
