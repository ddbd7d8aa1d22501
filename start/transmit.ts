/*
| Live feed channels and their authorization. Streams and subscriptions need a
| logged-in merchant (guard `web`); each customer channel only its linked users.
*/
import app from '@adonisjs/core/services/app'
import transmit from '@adonisjs/transmit/services/main'
import { middleware } from '#start/kernel'
import { LiveAccess } from '#services/ingest/live_access'
import { LiveFeed } from '#services/ingest/live_feed'

transmit.registerRoutes((route) => route.middleware(middleware.auth()))

transmit.on('connect', ({ uid, context }) => {
  LiveAccess.streamOpened(uid, context)
  LiveFeed.streamOpened()
})
transmit.on('disconnect', ({ uid, context }) => {
  LiveAccess.streamClosed(uid, context)
  LiveFeed.streamClosed()
})

transmit.authorize<{ id: string }>('customers/:id/transactions', (ctx, { id }) =>
  LiveAccess.mayWatchCustomer(ctx, id)
)

/*
 * Terminating hooks run last-registered first, and the HTTP server registers its
 * close (which waits for every open connection) when it starts. Registered once
 * the app is ready, ending the open SSE streams runs before that close, so
 * SIGTERM does not wait for merchants to leave their pages.
 */
app.ready(() => {
  app.terminating(() => LiveAccess.endStreams())
})
