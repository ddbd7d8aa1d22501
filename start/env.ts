/*
| Every environment variable the portal reads is declared and validated here.
| Nothing else in the code reads process.env.
*/
import { Env } from '@adonisjs/core/env'
import { existsSync } from 'node:fs'
import { isIP } from 'node:net'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const appRoot = new URL('../', import.meta.url)

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

/** OPERATOR_VAT_ID: an EU VAT identification number, country prefix first (DE123456789). */
function vatId(key: string, value?: string) {
  if (value === undefined || value === '') return undefined
  if (!/^[A-Z]{2}[0-9A-Z+*]{2,12}$/.test(value)) {
    throw new Error(`Invalid value for "${key}": "${value}" is not a VAT ID such as DE123456789`)
  }
  return value
}

/** OPERATOR_IBAN: the account invoices ask to be paid to; blanks allowed, checked by mod 97. */
function iban(key: string, value?: string) {
  if (value === undefined || value === '') return undefined
  const compact = value.replace(/\s+/g, '').toUpperCase()
  let rest = 0
  for (const char of compact.slice(4) + compact.slice(0, 4)) {
    const digits = /[A-Z]/.test(char) ? String(char.charCodeAt(0) - 55) : char
    for (const digit of digits) rest = (rest * 10 + Number(digit)) % 97
  }
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(compact) || rest !== 1) {
    throw new Error(`Invalid value for "${key}": not a valid IBAN (length or check digits)`)
  }
  return compact
}

/** OPERATOR_BIC: 8 or 11 characters (COBADEFFXXX). */
function bic(key: string, value?: string) {
  if (value === undefined || value === '') return undefined
  if (!/^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(value)) {
    throw new Error(`Invalid value for "${key}": "${value}" is not a BIC such as COBADEFFXXX`)
  }
  return value
}

/** A calendar date written YYYY-MM-DD that exists (no 2025-02-30). */
function isoDate(key: string, value?: string) {
  if (value === undefined || value === '') return undefined
  const parsed = new Date(`${value}T00:00:00Z`)
  const exists = !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(value)
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || !exists) {
    throw new Error(`Invalid value for "${key}": "${value}" is not a date written YYYY-MM-DD`)
  }
  return value
}

/** A retention period: a whole number of at least 1 (days, months or years). */
function period(key: string, value?: string) {
  if (value === undefined || value === '') return undefined
  if (!/^[1-9]\d{0,3}$/.test(value)) {
    throw new Error(`Invalid value for "${key}": "${value}" is not a whole number from 1 to 9999`)
  }
  return Number(value)
}

/**
 * OPERATOR_TERMS_FILE: the operator's own AGB as an .html, .md or .txt file;
 * `{locale}` in the path stands for de or en. The German file must exist.
 */
function termsFile(key: string, value?: string) {
  if (value === undefined || value === '') return undefined
  if (!/\.(html?|md|txt)$/i.test(value)) {
    throw new Error(`Invalid value for "${key}": "${value}" must end in .html, .md or .txt`)
  }
  const german = resolve(fileURLToPath(appRoot), value.replaceAll('{locale}', 'de'))
  if (!existsSync(german)) {
    throw new Error(`Invalid value for "${key}": the file "${german}" does not exist`)
  }
  return value
}

export default await Env.create(appRoot, {
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
  /* money flow (docs/money.md): closings after HH:MM (Berlin) count for the next day */
  CLOSING_CUTOFF: (name: string, value?: string) => {
    if (!value) return undefined
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(value)) {
      throw new Error(`${name} must be a time HH:MM (Europe/Berlin), e.g. 22:00`)
    }
    return value
  },
  /* German Land whose holidays are bank holidays too (BW, BY, BE, …); default: nationwide only */
  BANK_HOLIDAY_STATE: Env.schema.enum.optional([
    'BB',
    'BE',
    'BW',
    'BY',
    'HB',
    'HE',
    'HH',
    'MV',
    'NI',
    'NW',
    'RP',
    'SH',
    'SL',
    'SN',
    'ST',
    'TH',
  ] as const),

  /* replies by mail (docs/inbound.md) */
  INBOUND_REPLY_ADDRESS: Env.schema.string.optional({ format: 'email' }),
  INBOUND_SMTP_HOST: Env.schema.string.optional({ format: 'host' }),
  INBOUND_SMTP_PORT: Env.schema.number.optional(),
  INBOUND_MAX_BYTES: Env.schema.number.optional(),
  INBOUND_RATE_LIMIT: Env.schema.number.optional(),
  INBOUND_RELAYS: trustedProxies,

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
  REGISTRATION_PROOF: Env.schema.enum.optional(['tid', 'code'] as const),
  SUPPORT_PHONE: Env.schema.string(),
  SUPPORT_HOURS: Env.schema.string.optional(),
  SUPPORT_HOURS_EN: Env.schema.string.optional(),
  ALTCHA_COST: Env.schema.number.optional(),
  INVOICE_STORAGE_PATH: Env.schema.string.optional(),
  /* „Dokumente“ (docs/documents.md) */
  DOCUMENT_STORAGE_PATH: Env.schema.string.optional(),
  EXPORT_STORAGE_PATH: Env.schema.string.optional(),
  DOCUMENT_MAX_BYTES: Env.schema.number.optional(),
  DEMO_MODE: Env.schema.boolean.optional(),
  DEMO_MAIL_DIR: Env.schema.string.optional(),

  /* the operator's legal details (config/operator.ts); empty: the demo company */
  OPERATOR_NAME: Env.schema.string.optional(),
  OPERATOR_LEGAL_FORM: Env.schema.string.optional(),
  OPERATOR_STREET: Env.schema.string.optional(),
  OPERATOR_POSTAL_CODE: Env.schema.string.optional(),
  OPERATOR_CITY: Env.schema.string.optional(),
  OPERATOR_MANAGING_DIRECTORS: Env.schema.string.optional(),
  OPERATOR_REGISTER_COURT: Env.schema.string.optional(),
  OPERATOR_REGISTER_NUMBER: Env.schema.string.optional(),
  OPERATOR_VAT_ID: vatId,
  OPERATOR_TAX_NUMBER: Env.schema.string.optional(),
  OPERATOR_BANK_NAME: Env.schema.string.optional(),
  OPERATOR_IBAN: iban,
  OPERATOR_BIC: bic,
  OPERATOR_EMAIL: Env.schema.string.optional({ format: 'email' }),
  OPERATOR_SUPERVISORY_AUTHORITY: Env.schema.string.optional(),
  OPERATOR_DPO_NAME: Env.schema.string.optional(),
  OPERATOR_DPO_EMAIL: Env.schema.string.optional({ format: 'email' }),
  OPERATOR_DATA_PROTECTION_AUTHORITY: Env.schema.string.optional(),
  OPERATOR_HOSTING_PROVIDER: Env.schema.string.optional(),
  OPERATOR_MAIL_PROVIDER: Env.schema.string.optional(),
  OPERATOR_TERMS_FILE: termsFile,
  ACCESSIBILITY_STATEMENT_DATE: isoDate,
  ACCESSIBILITY_AUTHORITY_CONTACT: Env.schema.string.optional(),
  RETENTION_AUDIT_LOG_MONTHS: period,
  RETENTION_SERVER_LOG_DAYS: period,
  RETENTION_TICKET_MONTHS: period,
  RETENTION_ACCOUNT_MONTHS: period,
  RETENTION_INVOICE_YEARS: period,
  /* what the retention job does (config/portal.ts `retention`, docs/retention.md) */
  RETENTION_IP_DAYS: period,
  RETENTION_UNVERIFIED_DAYS: period,
})
