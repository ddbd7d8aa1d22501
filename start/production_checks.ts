/*
| Settings that start fine but are wrong for real merchants: said once at start of every web
| and worker process in production (docs/deployment.md, README „Production“ step 3). The
| portal still starts — a test installation may run like this on purpose — but the log says
| what a merchant would otherwise find out first.
*/
import logger from '@adonisjs/core/services/logger'
import env from '#start/env'
import { productionWarnings } from '#start/production_warnings'

if (env.get('NODE_ENV') === 'production') {
  for (const warning of productionWarnings()) logger.warn(warning)
}
