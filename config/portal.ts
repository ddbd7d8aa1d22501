import env from '#start/env'

/*
| The portal's own settings, read once from the environment. Services take
| their settings from here (or another config file), never from start/env.
*/

/** Prefix of every Redis key the portal writes (queues, sessions index, replay guards). */
export const queuePrefix = env.get('QUEUE_PREFIX', 'kp')

/** Redis for the queues (BullMQ opens its own connections). */
export const queueRedis = {
  host: env.get('REDIS_HOST'),
  port: env.get('REDIS_PORT'),
  password: env.get('REDIS_PASSWORD') || undefined,
}

/** `manual`: new registrations wait for support's approval (read per registration). */
export const registrationApproval = () => env.get('REGISTRATION_APPROVAL')

/**
 * What proves a customer when registering or adding a customer number (read per request):
 * `tid` one of its active Terminal-IDs, `code` a one-time activation code from
 * `node ace customers:activation-codes` (sent by letter).
 */
export const registrationProof = (): 'tid' | 'code' => env.get('REGISTRATION_PROOF') ?? 'tid'

/** Days an activation code stays valid unless `--expires-days` says otherwise. */
export const activationCodeDays = 90

/** Where invoice PDFs and XML are stored. */
export const invoiceStoragePath = env.get('INVOICE_STORAGE_PATH') || 'storage/invoices'

/** Where the customers' documents (PDF) are stored, and the largest one accepted (docs/documents.md). */
export const documentStoragePath = env.get('DOCUMENT_STORAGE_PATH') || 'storage/documents'
export const documentMaxBytes = env.get('DOCUMENT_MAX_BYTES', 20 * 1024 * 1024)

/** Where „Meine Daten herunterladen“ ZIPs wait for their download (docs/privacy.md); 24 h each. */
export const exportStoragePath =
  env.get('EXPORT_STORAGE_PATH') ||
  (env.get('NODE_ENV') === 'test' ? 'tmp/test-exports' : 'storage/exports')
export const exportLinkHours = 24

/**
 * What the daily retention job deletes or anonymises, and when (docs/retention.md): IP
 * addresses and user agents after `ipDays`, registrations never confirmed after
 * `unverifiedDays`, data exports `dataExportHours` after they were built. The
 * Datenschutzerklärung states the same values (config/operator.ts `retention`).
 */
export const retention = {
  ipDays: env.get('RETENTION_IP_DAYS') ?? 90,
  unverifiedDays: env.get('RETENTION_UNVERIFIED_DAYS') ?? 7,
  dataExportHours: exportLinkHours,
  /** rows per statement: a large audit table is worked through without a long lock */
  batchSize: 500,
}

/** Chromium for the invoice PDFs. */
export const chromiumPath = env.get('CHROMIUM_PATH') || '/usr/bin/chromium'

/** Work of an ALTCHA challenge (number of hashes). */
export const altchaCost = env.get('ALTCHA_COST', 50_000)

/** Ingest API requests per token and minute. */
export const apiRateLimit = env.get('API_RATE_LIMIT', 6000)

/**
 * The money flow (docs/money.md). A closing after the cut-off (Europe/Berlin,
 * HH:MM) counts for the next day; bank holidays are Germany's nationwide ones plus,
 * with `BANK_HOLIDAY_STATE` (e.g. `BY`), those of that Land.
 */
export const closingCutoff = env.get('CLOSING_CUTOFF') || '22:00'
export const bankHolidayState = env.get('BANK_HOLIDAY_STATE') || undefined

/**
 * Replies by mail (docs/inbound.md). Each ticket's reply address is
 * `<local>+<reference>.<token>@<domain>` of `INBOUND_REPLY_ADDRESS`; the MX (or a
 * forwarding rule) of that domain points at `node ace mail:inbound`.
 */
export const inboundReplyAddress =
  env.get('INBOUND_REPLY_ADDRESS') || `antwort@${mailDomain(env.get('MAIL_FROM'))}`
export const inboundSmtp = {
  host: env.get('INBOUND_SMTP_HOST') || '127.0.0.1',
  port: env.get('INBOUND_SMTP_PORT', 2587),
  /** largest mail accepted, in bytes (SIZE extension; larger ones get 552) */
  maxBytes: env.get('INBOUND_MAX_BYTES', 10 * 1024 * 1024),
  /** mails per sending IP address and minute (not counted for INBOUND_RELAYS) */
  perMinute: env.get('INBOUND_RATE_LIMIT', 60),
  /**
   * Our own mail servers that hand replies on to the listener (docs/inbound.md,
   * „Behind your existing mail server“): all mail comes from their address, so it
   * is not limited per IP — the per-ticket limit still holds.
   */
  relays: env.get('INBOUND_RELAYS'),
  /** mails one ticket takes per hour, from whichever sender */
  perTicketHour: 30,
  /** a reply address works until this many days after the ticket's last message */
  replyAddressDays: 90,
}

function mailDomain(from: string | undefined) {
  const match = /@([^>\s]+)>?\s*$/.exec(from ?? '')
  return match ? match[1] : 'localhost'
}
