import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { controllers } from '#generated/controllers'
import { formPage } from '#exceptions/form_pages'

/*
| „Meine Anfragen“ (docs/requests.md): the merchant's own tickets and, for owners,
| their customers' tickets; a new request without captcha; replies from the portal.
*/
router
  .group(() => {
    router.get('/requests', [controllers.requests.Requests, 'index']).as('requests.index')
    router.get('/requests/new', [controllers.requests.Requests, 'create']).as('requests.create')
    router.post('/requests', [controllers.requests.Requests, 'store']).as('requests.store')
    router
      .get('/requests/:id', [controllers.requests.Requests, 'show'])
      .where('id', /^\d{1,10}$/)
      .as('requests.show')
    router
      .post('/requests/:id/replies', [controllers.requests.Replies, 'store'])
      .where('id', /^\d{1,10}$/)
      .as('requests.reply')
  })
  .use([middleware.auth(), middleware.customerScope()])
/* a refused form goes back to its page; a malformed page number to the whole list */
formPage('requests.store', { route: 'requests.create' })
formPage('requests.reply', { route: 'requests.show', params: ['id'], hash: 'reply' })
formPage('requests.index', { route: 'requests.index' })
