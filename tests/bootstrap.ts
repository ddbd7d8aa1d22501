import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { assert } from '@japa/assert'
import { apiClient } from '@japa/api-client'
import { browserClient } from '@japa/browser-client'
import { chromium } from 'playwright'
import testUtils from '@adonisjs/core/services/test_utils'
import { pluginAdonisJS } from '@japa/plugin-adonisjs'
import { sessionApiClient } from '@adonisjs/session/plugins/api_client'
import { sessionBrowserClient } from '@adonisjs/session/plugins/browser_client'
import { shieldApiClient } from '@adonisjs/shield/plugins/api_client'
import { authApiClient } from '@adonisjs/auth/plugins/api_client'
import { authBrowserClient } from '@adonisjs/auth/plugins/browser_client'
import type { Config } from '@japa/runner/types'
import { startTestServices, stopTestServices } from '#tests/helpers/services'
import { CHROMIUM_FLAGS } from '#services/pdf/pdf_renderer'

export const plugins: Config['plugins'] = [
  assert(),
  pluginAdonisJS(app),
  apiClient(),
  sessionApiClient(app),
  shieldApiClient(),
  authApiClient(app),
  browserClient({
    runInSuites: ['browser'],
    launcher: (options) =>
      chromium.launch({
        ...options,
        headless: true,
        executablePath: env.get('CHROMIUM_PATH', '/usr/bin/chromium'),
        /* the same flags the PDF renderer uses, minus --headless (playwright sets it) */
        args: CHROMIUM_FLAGS.filter((flag) => flag !== '--headless'),
      }),
  }),
  sessionBrowserClient(app),
  authBrowserClient(app),
]

/*
| The suite talks to the real MariaDB, Redis, an SMTP sink (in this process,
| on SMTP_PORT) and a queue worker pool (in this process, real BullMQ).
*/
export const runnerHooks: Required<Pick<Config, 'setup' | 'teardown'>> = {
  setup: [() => migrateTestDatabase(), () => startTestServices()],
  teardown: [() => stopTestServices()],
}

export const configureSuite: Config['configureSuite'] = (suite) => {
  if (['browser', 'functional', 'e2e'].includes(suite.name)) {
    return suite.setup(() => testUtils.httpServer().start())
  }
}

/*
| Migrations without Lucid's advisory lock: MariaDB's GET_LOCK name is
| server-wide and the pool may release it on another connection, which fails
| the run after every test passed. Tests own their database; each test starts
| from resetState(), so the schema simply stays for the next run.
*/
async function migrateTestDatabase() {
  const ace = await app.container.make('ace')
  const command = await ace.exec('migration:run', [
    '--compact-output',
    '--no-schema-generate',
    '--disable-locks',
  ])
  if (command.exitCode) throw command.error ?? new Error('migration:run failed')
}
