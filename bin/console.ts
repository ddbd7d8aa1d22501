/*
| Ace commands entry point (`node ace <command>`).
*/
import 'reflect-metadata'
import { Ignitor, prettyPrintError } from '@adonisjs/core'
import { processShutdown } from '#services/process/process_shutdown'

const APP_ROOT = new URL('../', import.meta.url)

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
  })
  .ace()
  .handle(process.argv.splice(2))
  .catch((error) => {
    process.exitCode = 1
    prettyPrintError(error)
  })
