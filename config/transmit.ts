import { defineConfig } from '@adonisjs/transmit'

/*
| Live events: SSE streams per process. No transmit transport: new transactions
| reach the other web processes as one Redis message per ingest batch through
| LiveFeed (app/services/ingest/live_feed.ts), which delivers them locally.
*/
export default defineConfig({
  pingInterval: '25s',
  transport: null,
})

/**
 * How often each web process checks the sessions behind its open live streams
 * (expired or destroyed: the stream ends). Revocations (lock, password, ended
 * session, removed link) end streams at once; this check covers session expiry.
 */
export const liveSessionCheckMs = 30_000
