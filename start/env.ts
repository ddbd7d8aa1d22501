/*
| Every environment variable the portal reads is declared and validated here.
| Nothing else in the code reads process.env.
*/
import { Env } from '@adonisjs/core/env'
import { isIP } from 'node:net'

/**
 * TRUSTED_PROXIES: comma-separated addresses or CIDR ranges of the reverse
 * proxies in front of the web processes (e.g. `127.0.0.1,10.0.0.0/24`), or the
 * words `loopback`, `linklocal`, `uniquelocal`. Empty: trust no one.
 */
function trustedProxies(key: string, value?: string) {
  const entries = (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
  for (const entry of entries) {
    const [address, bits, extra] = entry.split('/')
    const named = ['loopback', 'linklocal', 'uniquelocal'].includes(entry)
    const family = isIP(address)
    const maxBits = family === 6 ? 128 : 32
    const goodBits = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits)
    if (!named && (!family || !goodBits || extra !== undefined)) {
      throw new Error(
        `Invalid value for "${key}": "${entry}" is not an IP address, CIDR range or one of loopback, linklocal, uniquelocal`
      )
    }
  }
  return entries
}

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
  TRUSTED_PROXIES: trustedProxies,
  API_RATE_LIMIT: Env.schema.number.optional(),

  DB_CONNECTION: Env.schema.enum(['mysql', 'sqlite'] as const),
  DB_HOST: Env.schema.string.optional({ format: 'host' }),
  DB_PORT: Env.schema.number.optional(),
  DB_USER: Env.schema.string.optional(),
  DB_PASSWORD: Env.schema.string.optional(),
  DB_DATABASE: Env.schema.string.optional(),
  DB_REPLICA_HOSTS: Env.schema.string.optional(),
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
