import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { controllers } from '#generated/controllers'

/*
| „Dokumente“ (docs/documents.md): the merchant's contracts, price lists and notices
| (owners and accountants), and support's upload on the admin customer page.
*/
router
  .group(() => {
    router.get('/documents', [controllers.documents.Documents, 'index']).as('documents.index')
    router
      .get('/documents/:id', [controllers.documents.Documents, 'download'])
      .where('id', /^\d{1,10}$/)
      .as('documents.download')
  })
  .use([middleware.auth(), middleware.customerScope()])

/* the upload posts to its own page (multipart: config/bodyparser.ts reads only this route's files) */
router
  .group(() => {
    router
      .get('/customers/:id/documents', [controllers.documents.AdminDocuments, 'index'])
      .as('documents.index')
    router
      .post('/customers/:id/documents', [controllers.documents.AdminDocuments, 'store'])
      .as('documents.store')
  })
  .prefix('/admin')
  .as('admin')
  .where('id', /^\d{1,10}$/)
  .use(middleware.staff())
