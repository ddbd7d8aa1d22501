import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { controllers } from '#generated/controllers'
import { formPage } from '#exceptions/form_pages'

/* „Meine Daten“: export and „Konto löschen“ (docs/privacy.md), behind the merchant login. */
router
  .group(() => {
    router.get('/account/privacy', [controllers.privacy.Privacy, 'show']).as('show')
    router.post('/account/privacy/export', [controllers.privacy.DataExports, 'store']).as('export')
    /* the mailed single-use link: logged out → login → back here */
    router
      .get('/account/privacy/export/:token', [controllers.privacy.DataExports, 'download'])
      .where('token', /^[\w-]{1,64}$/)
      .as('export.download')
    router.post('/account/privacy/erase', [controllers.privacy.Erasure, 'destroy']).as('erase')
  })
  .use([middleware.auth(), middleware.customerScope()])
  .as('privacy')
formPage('privacy.erase', { route: 'privacy.show', hash: 'erase' })

/* after „Konto löschen“: logged out, a plain confirmation */
router.get('/account/deleted', [controllers.privacy.Erasure, 'erased']).as('privacy.erased')

/* Support: „Löschen auf Antrag“ with four eyes. */
router
  .group(() => {
    router.get('/', [controllers.privacy.AdminErasures, 'show']).as('erasure')
    router.post('/', [controllers.privacy.AdminErasures, 'store']).as('erasure.store')
    router
      .post('/:requestId/approve', [controllers.privacy.AdminErasures, 'approve'])
      .as('erasure.approve')
    router
      .post('/:requestId/cancel', [controllers.privacy.AdminErasures, 'cancel'])
      .as('erasure.cancel')
  })
  .prefix('/admin/users/:id/erasure')
  .where('id', router.matchers.number())
  .where('requestId', router.matchers.number())
  .as('admin.privacy')
  .use(middleware.staff())
formPage('admin.privacy.erasure.store', { route: 'admin.privacy.erasure', params: ['id'] })
