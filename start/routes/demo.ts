import router from '@adonisjs/core/services/router'
import { controllers } from '#generated/controllers'

/* The demo's mail viewer (answers 404 outside demo mode). */
router
  .group(() => {
    router.get('/', [controllers.demo.Mails, 'index']).as('index')
    router.get('/:id', [controllers.demo.Mails, 'show']).as('show')
  })
  .prefix('/demo/mails')
  .as('demo_mails')
