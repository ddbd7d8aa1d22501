/*
| HTTP server entry point: `node bin/server.js` (after a build) or through ace.
*/
import 'reflect-metadata'
import { Ignitor, prettyPrintError } from '@adonisjs/core'
import { processShutdown } from '#services/process/process_shutdown'

const APP_ROOT = new URL('../', import.meta.url)
/* in-flight requests get this long to finish on shutdown, then their connections are cut */
const HTTP_DRAIN_MS = 8000

const IMPORTER = (filePath: string) => {
  if (filePath.startsWith('./') || filePath.startsWith('../')) {
    return import(new URL(filePath, APP_ROOT).href)
  }
  return import(filePath)
}

new Ignitor(APP_ROOT, { importer: IMPORTER })
  .tap((app) => {
    app.booting(async () => {
      await import('#start/env')
    })
    /* SIGTERM/SIGINT: terminating hooks under a deadline; KP_EXIT_WITH_PARENT=1 (the demo): also when the parent dies */
    processShutdown.install(app, { exitWithParent: process.env.KP_EXIT_WITH_PARENT === '1' })
    /*
     * Registered once the server listens, so it runs before the server's own close
     * (hooks run last-registered first), which waits for every open connection.
     */
    app.ready(async () => {
      const nodeServer = (await app.container.make('server')).getNodeServer()
      app.terminating(() => {
        setTimeout(() => nodeServer?.closeAllConnections(), HTTP_DRAIN_MS).unref()
      })
    })
  })
  .httpServer()
  .start()
  .catch((error) => {
    process.exitCode = 1
    prettyPrintError(error)
  })
