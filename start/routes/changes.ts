import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { controllers } from '#generated/controllers'
import { formPage } from '#exceptions/form_pages'

/* „Stammdaten ändern“: an owner's change requests (docs/changes.md). */
router
  .group(() => {
    router.get('/', [controllers.changes.Changes, 'index']).as('index')
    router.get('/new', [controllers.changes.Changes, 'create']).as('create')
    router.post('/', [controllers.changes.Changes, 'store']).as('store')
    router
      .post('/:id/cancel', [controllers.changes.Changes, 'cancel'])
      .where('id', router.matchers.number())
      .as('cancel')
  })
  .prefix('/changes')
  .as('changes')
  .use([middleware.auth(), middleware.customerScope()])
/* a refused form comes back on its page; the flashed `kind` picks the form again */
formPage('changes.store', { route: 'changes.create' })
/* a malformed kind goes back to the list */
formPage('changes.create', { route: 'changes.index' })

/* The link mailed to the customer's existing address: no login (the page says only „bestätigt“). */
router
  .get('/changes/confirm/:token', [controllers.changes.Confirmations, 'ask'])
  .as('changes.confirm')
router
  .post('/changes/confirm/:token', [controllers.changes.Confirmations, 'show'])
  .as('changes.confirm.store')

/* Support: list, detail, approve (four eyes for bank accounts), reject. */
router
  .group(() => {
    router.get('/', [controllers.changes.AdminChanges, 'index']).as('index')
    router.get('/:id', [controllers.changes.AdminChanges, 'show']).as('show')
    router.post('/:id/approve', [controllers.changes.AdminChanges, 'approve']).as('approve')
    router.post('/:id/reject', [controllers.changes.AdminChanges, 'reject']).as('reject')
    formPage('admin.changes.reject', { route: 'admin.changes.show', params: ['id'] })
  })
  .prefix('/admin/changes')
  .as('admin.changes')
  .where('id', router.matchers.number())
  .use(middleware.staff())
formPage('admin.changes.index', { route: 'admin.changes.index' })
