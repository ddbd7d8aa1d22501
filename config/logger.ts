import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig, targets } from '@adonisjs/core/logger'
import { maskLogArguments } from '#services/security/card_number_guard'

/*
| Logs never carry passwords, tokens, card numbers or mail bodies: request
| bodies are not logged, the redact list below blanks the usual suspects, and
| card numbers in messages and errors are masked to first 6 + last 4.
*/
const logFile = env.get('LOG_FILE')

const loggerConfig = defineConfig({
  default: 'app',
  loggers: {
    app: {
      enabled: true,
      name: 'kundenportal',
      level: env.get('LOG_LEVEL', 'info'),
      redact: {
        paths: [
          'password',
          '*.password',
          'token',
          '*.token',
          'authorization',
          '*.authorization',
          'pan',
          '*.pan',
        ],
        censor: '[redacted]',
      },
      hooks: {
        logMethod(args, method) {
          return method.apply(this, maskLogArguments(args) as Parameters<typeof method>)
        },
      },
      transport: {
        targets: logFile
          ? targets()
              .push({
                target: 'pino/file',
                level: env.get('LOG_LEVEL', 'info'),
                options: { destination: app.makePath(logFile), mkdir: true },
              })
              .toArray()
          : targets()
              .pushIf(!app.inProduction, targets.pretty())
              .pushIf(app.inProduction, targets.file({ destination: 1 }))
              .toArray(),
      },
    },
  },
})

export default loggerConfig

declare module '@adonisjs/core/types' {
  export interface LoggersList extends InferLoggers<typeof loggerConfig> {}
}
import type { InferLoggers } from '@adonisjs/core/types'
