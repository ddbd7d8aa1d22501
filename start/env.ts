/*
| Every environment variable the portal reads is declared and validated here.
| Nothing else in the code reads process.env.
*/
import { Env } from '@adonisjs/core/env'

export default await Env.create(new URL('../', import.meta.url), {
  NODE_ENV: Env.schema.enum(['development', 'production', 'test'] as const),
  PORT: Env.schema.number(),
  HOST: Env.schema.string({ format: 'host' }),
  APP_KEY: Env.schema.secret(),
  APP_URL: Env.schema.string({ format: 'url', tld: false }),
  LOG_LEVEL: Env.schema.enum.optional([
    'fatal',
    'error',
    'warn',
    'info',
    'debug',
    'trace',
  ] as const),
  LOG_FILE: Env.schema.string.optional(),

  DB_CONNECTION: Env.schema.enum(['mysql', 'sqlite'] as const),
  DB_HOST: Env.schema.string.optional({ format: 'host' }),
  DB_PORT: Env.schema.number.optional(),
  DB_USER: Env.schema.string.optional(),
  DB_PASSWORD: Env.schema.string.optional(),
  DB_DATABASE: Env.schema.string.optional(),
  SQLITE_FILE: Env.schema.string.optional(),

  REDIS_HOST: Env.schema.string({ format: 'host' }),
  REDIS_PORT: Env.schema.number(),
  REDIS_PASSWORD: Env.schema.string.optional(),
  QUEUE_PREFIX: Env.schema.string.optional(),

  SMTP_HOST: Env.schema.string({ format: 'host' }),
  SMTP_PORT: Env.schema.number(),
  MAIL_FROM: Env.schema.string(),

  CHROMIUM_PATH: Env.schema.string.optional(),
  REGISTRATION_APPROVAL: Env.schema.enum(['auto', 'manual'] as const),
  SUPPORT_PHONE: Env.schema.string(),
  SUPPORT_HOURS: Env.schema.string.optional(),
  ALTCHA_COST: Env.schema.number.optional(),
  INVOICE_STORAGE_PATH: Env.schema.string.optional(),
  DEMO_MODE: Env.schema.boolean.optional(),
  DEMO_MAIL_DIR: Env.schema.string.optional(),
})
