import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig } from '@adonisjs/transmit'
import { redis } from '@adonisjs/transmit/transports/redis'

/*
| Live events: SSE streams per process; broadcasts shared through Redis. The
| transport opens Redis connections as soon as it is created, so only the
| processes that serve or publish live events (web, test, the worker) get one;
| ace commands like codegen must be able to exit.
*/
const script = process.argv[1] ?? ''
const isAceCommand = /(^|[/\\])ace(\.js)?$/.test(script)
const wantsTransport = isAceCommand
  ? process.argv.includes('queue:work')
  : ['web', 'test'].includes(app.getEnvironment())

export default defineConfig({
  pingInterval: '25s',
  transport: wantsTransport
    ? {
        driver: redis({
          host: env.get('REDIS_HOST'),
          port: env.get('REDIS_PORT'),
          password: env.get('REDIS_PASSWORD'),
        }),
        /* one broadcast channel per installation (and per parallel test run) on a shared Redis */
        channel: `${env.get('QUEUE_PREFIX', 'kp')}:transmit`,
      }
    : null,
})
