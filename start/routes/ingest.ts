import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { controllers } from '#generated/controllers'

/*
| The processing host's ingest API: bearer token, JSON, no session or CSRF.
| Every route under /api/ must sit behind middleware.apiToken(): the global body
| parser leaves /api/* unread, and the token middleware parses the body only
| after a valid token (ADR 1402).
*/
router
  .group(() => {
    router
      .post('/transactions', [controllers.ingest.Transactions, 'store'])
      .as('transactions.store')
    router.post('/closings', [controllers.ingest.Closings, 'store']).as('closings.store')
    router.post('/payouts', [controllers.ingest.Payouts, 'store']).as('payouts.store')
  })
  .prefix('/api/v1')
  .as('api.v1')
  .use(middleware.apiToken())
