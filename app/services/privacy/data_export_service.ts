import { createHash, randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, rename, rm, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { DateTime } from 'luxon'
import { ZipArchive } from 'archiver'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import mail from '@adonisjs/mail/services/main'
import i18nManager from '@adonisjs/i18n/services/main'
import DataExport from '#models/data_export'
import User from '#models/user'
import DataExportReadyMail from '#mails/data_export_ready_mail'
import { exportLinkHours, exportStoragePath } from '#config/portal'
import { enqueue } from '#services/queue/queues'
import { buildDataExportJob } from '#jobs/build_data_export'
import { AuditService } from '#services/audit/audit_service'
import { SessionRegistry } from '#services/account/session_registry'
import { csvLine, csvText } from '#services/export/csv_cells'
import { formatDateTime } from '#services/format/formatters'
import { downloadName } from '#services/i18n/download_names'

/*
| „Meine Daten herunterladen“ (GDPR Art. 15/20, docs/privacy.md). A request queues
| one job; the worker collects exactly this user's data — never a co-user's on the
| same customer — and streams a ZIP to disk (JSON + CSV per section and a README in
| the user's language), then mails a link. The link's token is stored only as its
| SHA-256, works once, for 24 h, and only for the same user logged in.
*/
const digest = (raw: string) => createHash('sha256').update(raw, 'utf8').digest('hex')
const wellFormed = (raw: unknown): raw is string =>
  typeof raw === 'string' && /^[A-Za-z0-9_-]{43}$/.test(raw)
const sqlNow = () => DateTime.now().toSQL({ includeOffset: false })!

/** A cell value as stored: dates as ISO strings, booleans as booleans. */
type Cell = string | number | boolean | null
type Row = Record<string, Cell>
export type ExportSection = { name: string; rows: Row[] }

export const SECTION_NAMES = [
  'profile',
  'customers',
  'sessions',
  'sign_ins',
  'tickets',
  'ticket_messages',
  'settings',
] as const

const iso = (value: unknown): string | null => {
  if (value === null || value === undefined) return null
  if (value instanceof Date) return DateTime.fromJSDate(value).toUTC().toISO()
  if (DateTime.isDateTime(value)) return value.toUTC().toISO()
  if (typeof value === 'number') return DateTime.fromMillis(value).toUTC().toISO()
  const parsed = DateTime.fromSQL(String(value), { zone: 'utc' })
  return parsed.isValid ? parsed.toISO() : String(value)
}

async function setProgress(entry: DataExport, progress: number) {
  entry.progress = progress
  await entry.save()
}

export type DownloadOutcome =
  | { result: 'ok'; path: string; size: number; filename: string; export: DataExport }
  | { result: 'used' | 'expired' }
  | { result: 'not_found' }

/** An export queued or building without a change for this long is taken as lost. */
const STALE_MINUTES = 30

/** Where the CSV finds the label of a column's code (the JSON files keep the codes). */
const VALUE_LABELS: Record<string, string> = {
  role: 'admin.access_requests.roles',
  state: 'admin.states',
  proven_by: 'admin.proven_by',
  category: 'requests.categories',
  status: 'requests.statuses',
  channel: 'admin.tickets.channel',
  author: 'privacy.zip.authors',
  event: 'privacy.zip.events',
}

export const DataExportService = {
  root() {
    return app.makePath(exportStoragePath)
  },

  /** The user's newest export (the page shows its state); a ready one past its time shows as expired. */
  async latest(user: User) {
    const latest = await DataExport.query().where('user_id', user.id).orderBy('id', 'desc').first()
    if (
      latest &&
      latest.status === 'ready' &&
      latest.expiresAt &&
      latest.expiresAt < DateTime.now()
    ) {
      latest.status = 'expired'
    }
    return latest
  },

  /**
   * Queues a new export unless one is already on its way; audited. Two clicks at
   * once queue one (the user's row is locked while deciding). An export that has not
   * moved for STALE_MINUTES (its job lost with Redis, its worker killed) no longer
   * blocks a new one: it is marked failed. If queueing fails, the new row is marked
   * failed at once, so the next click tries again.
   */
  async request(user: User) {
    const decided = await db.transaction(async (trx) => {
      await trx.from('users').where('id', user.id).forUpdate().select('id')
      const running = await DataExport.query({ client: trx })
        .where('user_id', user.id)
        .whereIn('status', ['queued', 'building'])
        .orderBy('id', 'desc')
        .first()
      if (running && running.updatedAt > DateTime.now().minus({ minutes: STALE_MINUTES })) {
        return { created: false as const, export: running }
      }
      if (running) {
        running.status = 'failed'
        await running.useTransaction(trx).save()
      }
      const fresh = await DataExport.create(
        { userId: user.id, status: 'queued', progress: 0, locale: user.locale },
        { client: trx }
      )
      return { created: true as const, export: fresh }
    })
    if (!decided.created) return decided
    const created = decided.export
    try {
      await enqueue(
        buildDataExportJob.queue,
        buildDataExportJob.name,
        { exportId: created.id },
        {
          ...buildDataExportJob.options,
          jobId: buildDataExportJob.jobId(created.id, created.createdAt.toMillis()),
        }
      )
    } catch (error) {
      await this.markFailed(created.id)
      throw error
    }
    await AuditService.record({
      action: 'privacy.export_requested',
      actor: { type: 'user', id: user.id },
      subjectUserId: user.id,
      meta: { exportId: created.id },
    })
    return { created: true, export: created }
  },

  /**
   * The worker's part: collect, write the ZIP, issue the link, mail it. A failed
   * export is built again when an admin retries its job (/admin/jobs).
   */
  async build(exportId: number) {
    const entry = await DataExport.find(exportId)
    if (!entry || !['queued', 'building', 'failed'].includes(entry.status)) return { skipped: true }
    const user = await User.find(entry.userId)
    if (!user || user.state === 'disabled') {
      entry.status = 'failed'
      await entry.save()
      return { skipped: true }
    }
    entry.status = 'building'
    entry.locale = user.locale
    await setProgress(entry, 5)

    const sections = await this.collect(user, (done) =>
      setProgress(entry, 5 + Math.round(done * 60))
    )
    await setProgress(entry, 70)

    const relative = join(String(user.id), `${entry.id}-${randomBytes(8).toString('hex')}.zip`)
    const target = join(this.root(), relative)
    await this.writeZip(target, sections, user.locale)
    await setProgress(entry, 95)

    const raw = randomBytes(32).toString('base64url')
    const size = (await stat(target)).size
    /* the mail first: once the row says „ready“ a retried job skips it, and the link (only its
       hash is stored) could never be mailed again. If saving fails after this, the retry builds
       anew and mails a second, working link; the first one then says it is not valid. */
    await mail.sendLater(new DataExportReadyMail(user.email, user.locale, raw, exportLinkHours))
    entry.filePath = relative
    entry.fileSize = size
    entry.tokenHash = digest(raw)
    entry.expiresAt = DateTime.now().plus({ hours: exportLinkHours })
    entry.readyAt = DateTime.now()
    entry.status = 'ready'
    entry.progress = 100
    await entry.save()
    await AuditService.record({
      action: 'privacy.export_ready',
      actor: { type: 'system' },
      subjectUserId: user.id,
      meta: { exportId: entry.id, bytes: entry.fileSize },
    })
    return { exportId: entry.id }
  },

  async markFailed(exportId: number) {
    await DataExport.query()
      .where('id', exportId)
      .whereIn('status', ['queued', 'building'])
      .update({ status: 'failed', updated_at: sqlNow() })
  },

  /**
   * Exactly this user's data. Every query is keyed by the user's id (or, for contact
   * form tickets written before a login, by the user's own address): a co-user on the
   * same customer appears nowhere. Never a secret: no password hash, TOTP secret,
   * recovery codes, token or session id.
   */
  async collect(user: User, progress: (done: number) => Promise<void> = async () => {}) {
    const sections: ExportSection[] = []
    sections.push({
      name: 'profile',
      rows: [
        {
          id: user.id,
          email: user.email,
          full_name: user.fullName,
          phone: user.phone,
          locale: user.locale,
          state: user.state,
          email_verified_at: iso(user.emailVerifiedAt),
          password_changed_at: iso(user.passwordChangedAt),
          created_at: iso(user.createdAt),
        },
      ],
    })

    const links = await db
      .from('customer_user')
      .join('customers', 'customers.id', 'customer_user.customer_id')
      .where('customer_user.user_id', user.id)
      .orderBy('customers.customer_number')
      .select(
        'customers.customer_number',
        'customers.company_name',
        'customers.street',
        'customers.postal_code',
        'customers.city',
        'customers.country',
        'customer_user.role',
        'customer_user.proven_by',
        'customer_user.created_at'
      )
    sections.push({
      name: 'customers',
      rows: links.map((link) => ({
        customer_number: link.customer_number,
        company_name: link.company_name,
        street: link.street,
        postal_code: link.postal_code,
        city: link.city,
        country: link.country,
        role: link.role,
        proven_by: link.proven_by,
        linked_at: iso(link.created_at),
      })),
    })
    await progress(0.2)

    let sessions: Awaited<ReturnType<typeof SessionRegistry.list>> = []
    try {
      sessions = await SessionRegistry.list(SessionRegistry.userTag(user.id))
    } catch {
      /* a worker without the session store: the sign-in history below still lists them */
    }
    sections.push({
      name: 'sessions',
      rows: sessions.map((entry) => ({
        started_at: iso(entry.startedAt),
        last_active_at: iso(entry.lastActiveAt),
        ip: entry.ip,
        browser: entry.device.browser,
        os: entry.device.os,
        user_agent: entry.userAgent,
      })),
    })

    const signIns = await db
      .from('audit_events')
      .where('subject_user_id', user.id)
      .whereIn('action', [
        'login.succeeded',
        'login.failed',
        'session.ended',
        'sessions.ended_others',
      ])
      .orderBy('id', 'asc')
      .select('action', 'ip', 'user_agent', 'created_at')
    sections.push({
      name: 'sign_ins',
      rows: signIns.map((event) => ({
        at: iso(event.created_at),
        event: event.action,
        ip: event.ip,
        user_agent: event.user_agent,
      })),
    })
    await progress(0.5)

    const tickets = await db
      .from('tickets')
      .where((query) => query.where('user_id', user.id).orWhere('email', user.email))
      .orderBy('id', 'asc')
      .select(
        'id',
        'reference',
        'name',
        'email',
        'customer_number',
        'category',
        'status',
        'created_at',
        'last_message_at'
      )
    sections.push({
      name: 'tickets',
      rows: tickets.map((ticket) => ({
        reference: ticket.reference,
        name: ticket.name,
        email: ticket.email,
        customer_number: ticket.customer_number,
        category: ticket.category,
        status: ticket.status,
        created_at: iso(ticket.created_at),
        last_message_at: iso(ticket.last_message_at),
      })),
    })
    const references = new Map(tickets.map((ticket) => [ticket.id, ticket.reference]))
    const messages = tickets.length
      ? await db
          .from('ticket_messages')
          .whereIn(
            'ticket_id',
            tickets.map((ticket) => ticket.id)
          )
          /* an agent's internal note is never the merchant's to see */
          .where('internal', false)
          .orderBy('id', 'asc')
          .select('ticket_id', 'author_type', 'channel', 'body', 'created_at')
      : []
    sections.push({
      name: 'ticket_messages',
      rows: messages.map((message) => ({
        ticket_reference: references.get(message.ticket_id) ?? null,
        author: message.author_type === 'staff' ? 'support' : 'you',
        channel: message.channel,
        body: message.body,
        created_at: iso(message.created_at),
      })),
    })
    await progress(0.9)

    sections.push({
      name: 'settings',
      rows: [
        {
          locale: user.locale,
          alert_unclosed: user.alertUnclosed,
          alert_differences: user.alertDifferences,
          two_factor_enabled: Boolean(user.totpEnabledAt),
          two_factor_enabled_at: iso(user.totpEnabledAt),
          registered_at: iso(user.createdAt),
        },
      ],
    })
    await progress(1)
    return sections
  },

  /**
   * Streams the ZIP to `<target>.part` and renames it when complete: the archive
   * never sits in memory, and a half-written file is never offered.
   */
  async writeZip(target: string, sections: ExportSection[], locale: string) {
    await mkdir(dirname(target), { recursive: true })
    const partial = `${target}.part`
    const output = createWriteStream(partial, { mode: 0o600 })
    const archive = new ZipArchive({ zlib: { level: 6 } })
    const closed = new Promise<void>((resolve, reject) => {
      output.on('close', resolve)
      output.on('error', reject)
      archive.on('error', reject)
    })
    archive.pipe(output)
    const i18n = i18nManager.locale(i18nManager.supportedLocales().includes(locale) ? locale : 'de')
    archive.append(this.readme(sections, i18n), { name: 'README.txt' })
    for (const section of sections) {
      archive.append(JSON.stringify(section.rows, null, 2) + '\n', {
        name: `${section.name}.json`,
      })
      archive.append(this.csv(section, i18n), { name: `${section.name}.csv` })
    }
    try {
      await archive.finalize()
      await closed
      await rename(partial, target)
    } catch (error) {
      /* a half-written archive is never kept (the retention run sweeps what a killed build leaves) */
      output.destroy()
      await rm(partial, { force: true }).catch(() => {})
      throw error
    }
  },

  /** One section as a spreadsheet reads it in the user's language (`;` and a BOM in German). */
  csv(section: ExportSection, i18n: ReturnType<typeof i18nManager.locale>) {
    const german = i18n.locale === 'de'
    const delimiter = german ? ';' : ','
    const keys = section.rows.length ? Object.keys(section.rows[0]) : []
    let text =
      '\uFEFF' +
      csvLine(
        keys.map((key) => csvText(this.columnLabel(key, i18n), delimiter)),
        delimiter
      )
    for (const row of section.rows) {
      text += csvLine(
        keys.map((key) => csvText(this.cell(key, row[key], i18n), delimiter)),
        delimiter
      )
    }
    return text
  },

  columnLabel(key: string, i18n: ReturnType<typeof i18nManager.locale>) {
    const id = `privacy.zip.columns.${key}`
    return i18n.hasMessage(id) ? i18n.t(id) : key
  },

  /** A CSV cell in the reader's words: yes/no, dates, and codes (roles, states, events) as labels. */
  cell(key: string, value: Cell, i18n: ReturnType<typeof i18nManager.locale>) {
    if (value === null || value === undefined) return ''
    if (typeof value === 'boolean') return i18n.t(value ? 'privacy.zip.yes' : 'privacy.zip.no')
    const labels = VALUE_LABELS[key]
    if (labels && typeof value === 'string') {
      const id = `${labels}.${value.replaceAll('.', '_')}`
      if (i18n.hasMessage(id)) return i18n.t(id)
    }
    if (typeof value === 'string' && /(_at|^at)$/.test(key)) {
      const date = DateTime.fromISO(value)
      if (date.isValid) return formatDateTime(date, i18n.locale)
    }
    return String(value)
  },

  readme(sections: ExportSection[], i18n: ReturnType<typeof i18nManager.locale>) {
    const lines = [
      i18n.t('privacy.zip.readme.title'),
      '',
      i18n.t('privacy.zip.readme.intro', { date: formatDateTime(DateTime.now(), i18n.locale) }),
      '',
      i18n.t('privacy.zip.readme.formats'),
      '',
    ]
    for (const section of sections) {
      lines.push(
        `${section.name}.json / ${section.name}.csv — ${i18n.t(`privacy.zip.readme.sections.${section.name}`, { count: section.rows.length })}`
      )
    }
    lines.push(
      '',
      i18n.t('privacy.zip.readme.not_included'),
      '',
      i18n.t('privacy.zip.readme.questions')
    )
    return lines.join('\r\n') + '\r\n'
  },

  /**
   * The mailed link, for the logged-in user: the file once, within 24 h. Another
   * user's token, or one that does not exist, is the same 404.
   */
  async download(user: User, raw: unknown): Promise<DownloadOutcome> {
    if (!wellFormed(raw)) return { result: 'not_found' }
    const entry = await DataExport.query().where('token_hash', digest(raw)).first()
    if (!entry || entry.userId !== user.id) return { result: 'not_found' }
    if (entry.downloadedAt || entry.status === 'downloaded') return { result: 'used' }
    if (!entry.expiresAt || entry.expiresAt < DateTime.now() || !entry.filePath) {
      return { result: 'expired' }
    }
    /* one conditional UPDATE: two clicks at once get the file once */
    const updated = await db
      .from('data_exports')
      .where('id', entry.id)
      .whereNull('downloaded_at')
      .update({ downloaded_at: sqlNow(), status: 'downloaded', updated_at: sqlNow() })
    const count = Array.isArray(updated) ? Number(updated[0]) : Number(updated)
    if (count !== 1) return { result: 'used' }
    const path = join(this.root(), entry.filePath)
    let size: number
    try {
      size = (await stat(path)).size
    } catch {
      return { result: 'expired' }
    }
    await AuditService.record({
      action: 'privacy.export_downloaded',
      actor: { type: 'user', id: user.id },
      subjectUserId: user.id,
      meta: { exportId: entry.id },
    })
    const day = entry.createdAt.toFormat('yyyy-MM-dd')
    return {
      result: 'ok',
      path,
      size,
      filename: downloadName(user.locale, 'my_data_zip', { day }),
      export: entry,
    }
  },

  /** A read stream of the downloaded file; the file is removed once it has been sent. */
  stream(path: string) {
    const stream = createReadStream(path)
    stream.on('close', () => {
      rm(path, { force: true }).catch(() => {})
    })
    return stream
  },

  /** Removes every export file and row of a user (erasure). */
  async removeAll(userId: number) {
    await rm(join(this.root(), String(userId)), { recursive: true, force: true })
    await DataExport.query().where('user_id', userId).delete()
  },

  /** Deletes expired exports' files (the retention job may call this); returns how many. */
  async purgeExpired() {
    const expired = await DataExport.query()
      .whereNotNull('file_path')
      .where((query) => query.where('expires_at', '<', sqlNow()).orWhereNotNull('downloaded_at'))
    for (const entry of expired) {
      if (entry.filePath) await rm(join(this.root(), entry.filePath), { force: true })
      entry.filePath = null
      if (entry.status === 'ready') entry.status = 'expired'
      await entry.save()
    }
    return expired.length
  },
}
