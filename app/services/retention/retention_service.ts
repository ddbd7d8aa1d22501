import { readdir, rm, stat } from 'node:fs/promises'
import { isAbsolute, join } from 'node:path'
import { DateTime } from 'luxon'
import app from '@adonisjs/core/services/app'
import logger from '@adonisjs/core/services/logger'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { exportStoragePath, retention } from '#config/portal'
import { AuditService } from '#services/audit/audit_service'

/*
| The retention run (issue 18, docs/retention.md). Every step works in batches of
| `retention.batchSize` rows (select the ids, then change exactly those), so a
| large audit table is never locked for long, and every step only touches rows
| still past their period: running it twice, or on two workers at once, does no
| harm. Works on MariaDB and SQLite.
*/

export type RetentionResult = {
  /** audit events whose IP address and user agent were removed */
  auditEventsAnonymised: number
  /** audit events whose meta named an IP address or user agent (a session ended) */
  auditMetaAnonymised: number
  oneTimeTokensDeleted: number
  unverifiedUsersDeleted: number
  /** export ZIPs deleted; null: the data export table does not exist (yet) */
  dataExportsDeleted: number | null
  /**
   * files in the export folder no export row points to (a build that failed or was
   * killed while writing `<zip>.part`, or whose row was not saved), once they are
   * older than an export link lives; null: the data export table does not exist
   */
  exportLeftoversDeleted: number | null
}

/** The keys in an audit event's meta that hold an IP address or a user agent. */
const META_KEYS = ['session_ip', 'session_user_agent', 'ip', 'user_agent'] as const

/** Columns pointing at a user that are kept (with null) when an unconfirmed registration goes. */
const NULLABLE_USER_REFERENCES: [table: string, column: string][] = [
  ['tickets', 'user_id'],
  ['ticket_messages', 'user_id'],
  ['change_requests', 'user_id'],
  ['invitations', 'invited_by_user_id'],
  ['invitations', 'accepted_user_id'],
  ['access_requests', 'decided_by_user_id'],
  ['activation_codes', 'used_by_user_id'],
]

/** Rows owned by a user that go with an unconfirmed registration (its links, its customer proof). */
const OWNED_BY_USER: [table: string, column: string][] = [
  ['one_time_tokens', 'user_id'],
  ['customer_user', 'user_id'],
  ['access_requests', 'user_id'],
  ['data_exports', 'user_id'],
]

/** Date and time as the database stores them (UTC, no offset). */
const sqlTime = (value: DateTime) => value.toUTC().toFormat('yyyy-MM-dd HH:mm:ss')

const affected = (result: unknown) =>
  Array.isArray(result) ? Number(result[0] ?? 0) : Number(result ?? 0)

const isSqlite = () => db.connection().dialect.name.includes('sqlite')

/** Which tables exist, asked once per run (other areas' tables may not be migrated yet). */
async function existingTables(names: string[]) {
  const found = new Set<string>()
  for (const name of new Set(names)) {
    if (await db.connection().schema.hasTable(name)) found.add(name)
  }
  return found
}

/**
 * Runs every retention step as of `now` (tests pass a clock set forward) and
 * records one audit event when anything was changed.
 */
export async function runRetention(now: DateTime = DateTime.now()): Promise<RetentionResult> {
  const ipCutoff = sqlTime(now.minus({ days: retention.ipDays }))
  const result: RetentionResult = {
    auditEventsAnonymised: await anonymiseAuditClients(ipCutoff),
    auditMetaAnonymised: await anonymiseAuditMeta(ipCutoff),
    oneTimeTokensDeleted: await deleteExpiredTokens(sqlTime(now)),
    unverifiedUsersDeleted: await deleteUnverifiedUsers(
      sqlTime(now.minus({ days: retention.unverifiedDays }))
    ),
    dataExportsDeleted: await deleteExpiredExports(now),
    exportLeftoversDeleted: await deleteExportLeftovers(now),
  }
  const changed = Object.values(result).some((count) => Number(count) > 0)
  if (changed) {
    await AuditService.record({
      action: 'retention.run',
      actor: { type: 'system' },
      meta: {
        ...result,
        ipDays: retention.ipDays,
        unverifiedDays: retention.unverifiedDays,
      },
    })
  }
  logger.info({ retention: result }, 'retention run finished')
  return result
}

/**
 * IP address and user agent of audit events older than the cutoff become null
 * (not shortened: a /24 network still narrows a person down in a small portal).
 * The sign-in history on the account page reads these columns, so it shows
 * „unbekannt“ for older sign-ins; the event itself stays for the audit period.
 */
async function anonymiseAuditClients(cutoff: string) {
  let total = 0
  let afterId = 0
  for (;;) {
    const rows = await db
      .from('audit_events')
      .where('created_at', '<', cutoff)
      .where('id', '>', afterId)
      .where((query) => query.whereNotNull('ip').orWhereNotNull('user_agent'))
      .orderBy('id')
      .limit(retention.batchSize)
      .select('id')
    if (!rows.length) return total
    afterId = Number(rows[rows.length - 1].id)
    await db
      .from('audit_events')
      .whereIn(
        'id',
        rows.map((row) => row.id)
      )
      .update({ ip: null, user_agent: null })
    total += rows.length
  }
}

/** The IP address and user agent an event's meta names (`session.ended`) become null too. */
async function anonymiseAuditMeta(cutoff: string) {
  let total = 0
  let afterId = 0
  for (;;) {
    const rows: { id: number; meta: string | null }[] = await db
      .from('audit_events')
      .where('created_at', '<', cutoff)
      .where('id', '>', afterId)
      .where((query) => {
        /* a string value: `"key":"…"` (JSON.stringify writes no spaces); null ones are done */
        for (const key of META_KEYS) query.orWhere('meta', 'like', `%"${key}":"%`)
      })
      .orderBy('id')
      .limit(retention.batchSize)
      .select('id', 'meta')
    if (!rows.length) return total
    afterId = Number(rows[rows.length - 1].id)
    for (const row of rows) {
      const meta = parseMeta(row.meta)
      if (!meta) continue
      let changed = false
      for (const key of META_KEYS) {
        if (typeof meta[key] === 'string') {
          meta[key] = null
          changed = true
        }
      }
      if (!changed) continue
      await db
        .from('audit_events')
        .where('id', row.id)
        .update({ meta: JSON.stringify(meta) })
      total++
    }
  }
}

function parseMeta(value: string | null) {
  try {
    const parsed = value ? JSON.parse(value) : null
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : null
  } catch {
    return null
  }
}

/** One-time tokens (verification, password reset, e-mail change) past their expiry. */
async function deleteExpiredTokens(now: string) {
  let total = 0
  for (;;) {
    const rows = await db
      .from('one_time_tokens')
      .where('expires_at', '<', now)
      .orderBy('id')
      .limit(retention.batchSize)
      .select('id')
    if (!rows.length) return total
    total += affected(
      await db
        .from('one_time_tokens')
        .whereIn(
          'id',
          rows.map((row) => row.id)
        )
        .delete()
    )
  }
}

/**
 * Registrations whose address was never confirmed, created before the cutoff:
 * the user with its links and customer proof is deleted; its audit events keep
 * the action but no longer name the person (no user id, IP or user agent), so a
 * later account that happens to get the same id never inherits them.
 */
async function deleteUnverifiedUsers(cutoff: string) {
  const tables = await existingTables([
    ...NULLABLE_USER_REFERENCES.map(([table]) => table),
    ...OWNED_BY_USER.map(([table]) => table),
  ])
  let total = 0
  let afterId = 0
  for (;;) {
    const rows = await db
      .from('users')
      .where('state', 'pending_verification')
      .where('created_at', '<', cutoff)
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(retention.batchSize)
      .select('id')
    if (!rows.length) return total
    afterId = Number(rows[rows.length - 1].id)
    try {
      total += await db.transaction((trx) =>
        deleteUsers(
          trx,
          rows.map((row) => Number(row.id)),
          cutoff,
          tables
        )
      )
    } catch (error) {
      /* one registration that cannot go (a reference we do not know) must not stop the rest */
      logger.error({ err: error }, 'retention: unconfirmed registrations could not be deleted')
    }
  }
}

async function deleteUsers(
  trx: TransactionClientContract,
  candidates: number[],
  cutoff: string,
  tables: Set<string>
) {
  /* checked again inside the transaction: someone may have confirmed meanwhile */
  const still = trx
    .from('users')
    .whereIn('id', candidates)
    .where('state', 'pending_verification')
    .where('created_at', '<', cutoff)
    .select('id')
  if (!isSqlite()) still.forUpdate()
  const ids = (await still).map((row) => Number(row.id))
  if (!ids.length) return 0
  for (const [table, column] of NULLABLE_USER_REFERENCES) {
    if (tables.has(table))
      await trx
        .from(table)
        .whereIn(column, ids)
        .update({ [column]: null })
  }
  for (const [table, column] of OWNED_BY_USER) {
    if (tables.has(table)) await trx.from(table).whereIn(column, ids).delete()
  }
  await trx
    .from('audit_events')
    .whereIn('subject_user_id', ids)
    .update({ subject_user_id: null, ip: null, user_agent: null })
  await trx
    .from('audit_events')
    .where('actor_type', 'user')
    .whereIn('actor_id', ids)
    .update({ actor_id: null, ip: null, user_agent: null })
  return affected(await trx.from('users').whereIn('id', ids).delete())
}

/**
 * Data exports („Meine Daten herunterladen“, docs/privacy.md, migration 1810) past
 * their expiry (24 h), or already downloaded (the link works once): the ZIP file is
 * deleted; the row stays without a file, a `ready` one marked `expired`, as
 * `DataExportService.purgeExpired` does (the account page still says the link has
 * expired). An export that never got an expiry (failed, or stuck while building)
 * loses its file once it is older than the link's lifetime. Skipped (null) while
 * the table does not exist.
 */
async function deleteExpiredExports(now: DateTime) {
  if (!(await db.connection().schema.hasTable('data_exports'))) return null
  const expired = sqlTime(now)
  const stale = sqlTime(now.minus({ hours: retention.dataExportHours }))
  let total = 0
  let afterId = 0
  for (;;) {
    const rows: { id: number; file_path: string; status: string }[] = await db
      .from('data_exports')
      .whereNotNull('file_path')
      .where('id', '>', afterId)
      .where((query) =>
        query
          .where('expires_at', '<', expired)
          .orWhereNotNull('downloaded_at')
          .orWhere((noExpiry) => noExpiry.whereNull('expires_at').where('created_at', '<', stale))
      )
      .orderBy('id')
      .limit(retention.batchSize)
      .select('id', 'file_path', 'status')
    if (!rows.length) return total
    afterId = Number(rows[rows.length - 1].id)
    for (const row of rows) {
      try {
        await rm(exportFile(row.file_path), { force: true })
      } catch (error) {
        /* the row keeps its path, so the next run tries the file again */
        logger.error({ err: error, exportId: row.id }, 'retention: export file not deleted')
        continue
      }
      await db
        .from('data_exports')
        .where('id', row.id)
        .update({
          file_path: null,
          status: row.status === 'ready' ? 'expired' : row.status,
          updated_at: expired,
        })
      total++
    }
  }
}

/**
 * Files in the export folder (`<user id>/<file>`) that no export row names and that
 * were last written before the link lifetime: nothing will ever offer them, and a
 * build still writing its `.part` is younger than that.
 */
async function deleteExportLeftovers(now: DateTime) {
  if (!(await db.connection().schema.hasTable('data_exports'))) return null
  const root = app.makePath(exportStoragePath)
  const stale = now.minus({ hours: retention.dataExportHours }).toMillis()
  let folders: string[]
  try {
    folders = (await readdir(root, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory() && /^\d+$/.test(entry.name))
      .map((entry) => entry.name)
  } catch {
    return 0
  }
  let total = 0
  for (const folder of folders) {
    let names: string[]
    try {
      names = await readdir(join(root, folder))
    } catch {
      continue
    }
    if (!names.length) continue
    const rows = await db
      .from('data_exports')
      .where('user_id', Number(folder))
      .whereNotNull('file_path')
      .select('file_path')
    const named = new Set(rows.map((row) => exportFile(String(row.file_path))))
    for (const name of names) {
      const file = join(root, folder, name)
      if (named.has(file)) continue
      try {
        const info = await stat(file)
        if (!info.isFile() || info.mtimeMs >= stale) continue
        await rm(file, { force: true })
        total++
      } catch (error) {
        logger.error({ err: error }, 'retention: export leftover not deleted')
      }
    }
  }
  return total
}

/** An export's file: stored relative to the export folder (`exportStoragePath`). */
function exportFile(path: string) {
  return isAbsolute(path) ? path : app.makePath(exportStoragePath, path)
}
