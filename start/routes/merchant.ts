import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { controllers } from '#generated/controllers'

router
  .group(() => {
    router.get('/', [controllers.merchant.Dashboard, 'show']).as('dashboard')
  })
  .use(middleware.auth())
