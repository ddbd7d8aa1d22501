import { randomBytes } from 'node:crypto'
import { DateTime } from 'luxon'
import hash from '@adonisjs/core/services/hash'
import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import mail from '@adonisjs/mail/services/main'
import User from '#models/user'
import ErasureRequest from '#models/erasure_request'
import type StaffUser from '#models/staff_user'
import AccountErasedMail from '#mails/account_erased_mail'
import { AuditService, type AuditActor } from '#services/audit/audit_service'
import { SessionRegistry } from '#services/account/session_registry'
import { LiveRevocation } from '#services/ingest/live_revocation'
import { LoginService } from '#services/account/login_service'
import { LoginThrottle, type Client } from '#services/account/login_throttle'
import { Totp } from '#services/security/totp'
import { DataExportService } from '#services/privacy/data_export_service'
import { Like } from '#services/database/like'

/*
| „Konto löschen“ (GDPR Art. 17, docs/privacy.md). The users row stays — invoices,
| tickets, change requests and the audit trail point at its id — but everything that
| names the person goes: e-mail (→ deleted-<id>@invalid), name, phone, password,
| second factor, sessions, links to customers, pending tokens and invitations, export
| files; tickets keep their conversation under „Gelöschter Benutzer“; audit events keep
| their action and time but lose IP, user agent and any e-mail or name in their details.
| Invoices and other records under retention belong to the customer and stay.
| The last owner of a customer is refused (hand over first) unless support decides.
*/
export const ERASED_NAME = 'Gelöschter Benutzer'
export const erasedEmail = (userId: number) => `deleted-${userId}@invalid`
const REDACTED = '[gelöscht]'
const sqlNow = () => DateTime.now().toSQL({ includeOffset: false })!

/** Thrown inside a self-erasure's transaction when the person has become a customer's last owner. */
class LastOwnerError extends Error {
  constructor(readonly customers: LastOwnedCustomer[]) {
    super('last owner')
  }
}

export type LastOwnedCustomer = { id: number; customerNumber: string; companyName: string }

export type SelfErasureResult =
  | { ok: true }
  | {
      ok: false
      error: 'wrong_password' | 'wrong_code' | 'last_owner' | 'not_applicable'
      customers?: LastOwnedCustomer[]
    }

export type SupportErasureResult =
  | { ok: true; request: ErasureRequest; erased?: boolean }
  | {
      ok: false
      error:
        | 'not_applicable'
        | 'already_pending'
        | 'same_staff'
        | 'last_owner'
        | 'override_admin_only'
        | 'not_found'
      customers?: LastOwnedCustomer[]
    }

/** Every string in a JSON value with the person's identifiers replaced. */
function scrub(value: unknown, needles: string[]): unknown {
  if (typeof value === 'string') return redact(value, needles)
  if (Array.isArray(value)) return value.map((item) => scrub(item, needles))
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, item]) => [
        key,
        /* addresses and devices of a session are the person's, whatever their value */
        /(^|_)(ip|user_agent|userAgent)$/i.test(key) ? null : scrub(item, needles),
      ])
    )
  }
  return value
}

function redact(text: string, needles: string[]) {
  let result = text
  for (const needle of needles) {
    const pattern = new RegExp(needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi')
    result = result.replace(pattern, REDACTED)
  }
  return result
}

export const ErasureService = {
  /** The customers this user is the only owner of (erasing would leave them without one). */
  async lastOwnedCustomers(
    userId: number,
    client: QueryClientContract = db.connection()
  ): Promise<LastOwnedCustomer[]> {
    const query = client
      .from('customer_user as mine')
      .join('customers', 'customers.id', 'mine.customer_id')
      .where('mine.user_id', userId)
      .where('mine.role', 'owner')
      .whereNotExists((others) =>
        others
          .from('customer_user as other')
          .whereColumn('other.customer_id', 'mine.customer_id')
          .where('other.role', 'owner')
          .whereNot('other.user_id', userId)
      )
      .orderBy('customers.customer_number')
      .select('customers.id', 'customers.customer_number', 'customers.company_name')
    /* inside the erasure's transaction: read what is committed now, not the transaction's snapshot */
    if (client.isTransaction) query.forUpdate()
    const rows = await query
    return rows.map((row) => ({
      id: row.id,
      customerNumber: row.customer_number,
      companyName: row.company_name,
    }))
  },

  isErased(user: User) {
    return user.email === erasedEmail(user.id)
  },

  /** The user's own „Konto löschen“: password, and the TOTP code when two-factor is on. */
  async eraseSelf(
    user: User,
    password: string,
    code: string | null | undefined,
    client: Client
  ): Promise<SelfErasureResult> {
    if (this.isErased(user)) return { ok: false, error: 'not_applicable' }
    const { failuresOnRecord } = await LoginThrottle.assertAllowed(user.email, client)
    if (!(await hash.verify(user.password, password))) {
      await LoginService.recordWrongCurrentPassword(user, client.ip)
      return { ok: false, error: 'wrong_password' }
    }
    if (user.totpEnabledAt && !(await Totp.checkEither(User, user, code ?? ''))) {
      await LoginService.recordWrongSecondFactor(user, client)
      return { ok: false, error: 'wrong_code' }
    }
    await LoginService.recordRightCurrentPassword(user, failuresOnRecord)
    const customers = await this.lastOwnedCustomers(user.id)
    if (customers.length) return { ok: false, error: 'last_owner', customers }
    try {
      await this.erase(user, { type: 'user', id: user.id }, { by: 'self' })
    } catch (error) {
      /* a co-owner erased at the same moment: now this user is the last owner */
      if (error instanceof LastOwnerError) {
        return { ok: false, error: 'last_owner', customers: error.customers }
      }
      throw error
    }
    return { ok: true }
  },

  /** Support: „Löschen auf Antrag“ (the first pair of eyes). */
  async requestBySupport(
    user: User,
    staff: StaffUser,
    reason: string
  ): Promise<SupportErasureResult> {
    if (this.isErased(user)) return { ok: false, error: 'not_applicable' }
    const pending = await ErasureRequest.query()
      .where('user_id', user.id)
      .where('status', 'pending')
      .first()
    if (pending) return { ok: false, error: 'already_pending' }
    const request = await ErasureRequest.create({
      userId: user.id,
      reason: reason.trim().slice(0, 500),
      status: 'pending',
      requestedByStaffId: staff.id,
      lastOwnerOverride: false,
    })
    await AuditService.record({
      action: 'privacy.erasure_requested',
      actor: { type: 'staff', id: staff.id },
      subjectUserId: user.id,
      meta: { requestId: request.id },
    })
    return { ok: true, request }
  },

  /** Support: the second, different staff member approves; then the erasure runs. */
  async approveBySupport(
    requestId: number,
    staff: StaffUser,
    overrideLastOwner: boolean
  ): Promise<SupportErasureResult> {
    const request = await ErasureRequest.find(requestId)
    if (!request || request.status !== 'pending') return { ok: false, error: 'not_found' }
    if (request.requestedByStaffId === staff.id) return { ok: false, error: 'same_staff' }
    const user = await User.find(request.userId)
    if (!user || this.isErased(user)) return { ok: false, error: 'not_applicable' }
    const customers = await this.lastOwnedCustomers(user.id)
    if (customers.length && !overrideLastOwner) {
      return { ok: false, error: 'last_owner', customers }
    }
    if (customers.length && staff.role !== 'admin') {
      return { ok: false, error: 'override_admin_only', customers }
    }
    /* claimed only while still pending: two approvals (or an approval and a cancel) at
       the same moment decide once */
    const claimed = await claimPending(request.id, {
      status: 'done',
      approved_by_staff_id: staff.id,
      last_owner_override: customers.length > 0,
    })
    if (!claimed) return { ok: false, error: 'not_found' }
    await request.refresh()
    try {
      await this.erase(
        user,
        { type: 'staff', id: staff.id },
        {
          by: 'support',
          requestId: request.id,
          requestedBy: request.requestedByStaffId,
          customersWithoutOwner: customers.map((customer) => customer.customerNumber),
        }
      )
    } catch (error) {
      /* not erased: the request waits again, rather than saying „done“ for an account that is not */
      await db.from('erasure_requests').where('id', request.id).where('status', 'done').update({
        status: 'pending',
        approved_by_staff_id: null,
        last_owner_override: false,
        decided_at: null,
        updated_at: sqlNow(),
      })
      throw error
    }
    return { ok: true, request, erased: true }
  },

  /** Support withdraws a pending request (either staff member). */
  async cancelBySupport(requestId: number, staff: StaffUser): Promise<SupportErasureResult> {
    const request = await ErasureRequest.find(requestId)
    if (!request || request.status !== 'pending') return { ok: false, error: 'not_found' }
    if (!(await claimPending(request.id, { status: 'cancelled' }))) {
      return { ok: false, error: 'not_found' }
    }
    await request.refresh()
    await AuditService.record({
      action: 'privacy.erasure_cancelled',
      actor: { type: 'staff', id: staff.id },
      subjectUserId: request.userId,
      meta: { requestId: request.id },
    })
    return { ok: true, request }
  },

  async pendingRequest(userId: number) {
    return ErasureRequest.query().where('user_id', userId).where('status', 'pending').first()
  },

  /** The erasure itself (after every check). */
  async erase(user: User, actor: AuditActor, meta: Record<string, unknown>) {
    const oldEmail = user.email
    const locale = user.locale
    const names = [user.fullName, user.phone].filter(
      (value): value is string => typeof value === 'string' && value.trim().length >= 3
    )

    /* the addresses the person came from: login events and live sessions */
    const ips = new Set<string>()
    const events = await db
      .from('audit_events')
      .where('subject_user_id', user.id)
      .orWhere((query) => query.where('actor_type', 'user').where('actor_id', user.id))
      .whereNotNull('ip')
      .distinct('ip')
    for (const event of events) if (event.ip) ips.add(event.ip)
    try {
      for (const session of await SessionRegistry.list(SessionRegistry.userTag(user.id))) {
        if (session.ip) ips.add(session.ip)
      }
    } catch {
      /* no session store in this process: nothing to list */
    }

    const needles = [oldEmail, ...names]
    const pseudonym = erasedEmail(user.id)
    /* report mails (docs/reports.md): an erased person subscribes to nothing */
    const hasReports = await db.connection().schema.hasTable('report_subscriptions')
    await db.transaction(async (trx) => {
      /* the person's own erasure: a co-owner erasing themselves at the same moment must not
         leave a customer without an owner — the owned customers are locked, then checked again */
      const owned = await trx
        .from('customer_user')
        .where('user_id', user.id)
        .where('role', 'owner')
        .forUpdate()
        .select('customer_id')
      if (owned.length) {
        await trx
          .from('customers')
          .whereIn(
            'id',
            owned.map((row) => row.customer_id)
          )
          .forUpdate()
          .select('id')
      }
      if (meta.by === 'self') {
        const last = await this.lastOwnedCustomers(user.id, trx)
        if (last.length) throw new LastOwnerError(last)
      }
      if (hasReports) {
        const subscriptions = trx
          .from('report_subscriptions')
          .where('user_id', user.id)
          .select('id')
        await trx.from('report_deliveries').whereIn('subscription_id', subscriptions).delete()
        await trx.from('report_subscriptions').where('user_id', user.id).delete()
      }
      await trx.from('customer_user').where('user_id', user.id).delete()
      await trx.from('access_requests').where('user_id', user.id).delete()
      await trx.from('one_time_tokens').where('user_id', user.id).delete()
      /* invitations to the person's address (the inviter's customer keeps its history otherwise) */
      await trx.from('invitations').where('email', oldEmail).delete()

      const tickets = await trx
        .from('tickets')
        .where((query) => query.where('user_id', user.id).orWhere('email', oldEmail))
        .select('id')
      const ticketIds = tickets.map((ticket) => ticket.id)
      if (ticketIds.length) {
        await trx
          .from('tickets')
          .whereIn('id', ticketIds)
          .update({ name: ERASED_NAME, email: pseudonym, updated_at: sqlNow() })
        /* the conversation stays for support; the person's address and name in it do not */
        const messages = await trx
          .from('ticket_messages')
          .whereIn('ticket_id', ticketIds)
          .select('id', 'body')
        for (const message of messages) {
          const body = redact(message.body, needles)
          if (body !== message.body) {
            await trx.from('ticket_messages').where('id', message.id).update({ body })
          }
        }
      }

      /* audit trail: action, time and ids stay; address, device and names go */
      const own = await trx
        .from('audit_events')
        .where('subject_user_id', user.id)
        .orWhere((query) => query.where('actor_type', 'user').where('actor_id', user.id))
        .select('id', 'meta')
      for (const event of own) {
        await trx
          .from('audit_events')
          .where('id', event.id)
          .update({ ip: null, user_agent: null, meta: this.scrubMeta(event.meta, needles) })
      }
      /* other events that mention the address (e.g. an invitation to it, a failed login) */
      for (const needle of needles) {
        const mentions = await Like.where(
          trx.from('audit_events'),
          'meta',
          Like.containing(needle)
        ).select('id', 'meta')
        for (const event of mentions) {
          await trx
            .from('audit_events')
            .where('id', event.id)
            .update({ meta: this.scrubMeta(event.meta, needles) })
        }
      }
      if (ips.size) {
        /* events without a person that came from the person's addresses (failed logins) */
        await trx
          .from('audit_events')
          .whereIn('ip', [...ips])
          .whereIn('actor_type', ['anonymous'])
          .whereNull('subject_user_id')
          .update({ ip: null, user_agent: null })
      }

      /* texts support wrote about the person */
      const requests = await trx
        .from('erasure_requests')
        .where('user_id', user.id)
        .select('id', 'reason')
      for (const request of requests) {
        await trx
          .from('erasure_requests')
          .where('id', request.id)
          .update({ reason: redact(request.reason, needles) })
      }
      const changes = await trx
        .from('change_requests')
        .where('user_id', user.id)
        .select('id', 'payload', 'before')
      for (const change of changes) {
        await trx
          .from('change_requests')
          .where('id', change.id)
          .update({
            payload: redact(change.payload ?? '', needles),
            before: change.before === null ? null : redact(change.before, needles),
          })
      }

      await trx
        .from('users')
        .where('id', user.id)
        .update({
          email: pseudonym,
          full_name: null,
          phone: null,
          /* a random argon2 hash: no password opens the account again */
          password: await hash.use('argon').make(randomBytes(32).toString('base64url')),
          state: 'disabled',
          lock_reason: null,
          lock_note: null,
          locked_at: null,
          failed_login_count: 0,
          totp_secret: null,
          totp_enabled_at: null,
          recovery_codes: null,
          alert_unclosed: false,
          alert_differences: false,
          erased_at: sqlNow(),
          updated_at: sqlNow(),
        })
    })
    await user.refresh()

    /* after the commit: the sessions (also ended by the row's new state and generation), the
       live streams and export files — a failure here leaves an erased account, never half of one */
    await SessionRegistry.endAll(SessionRegistry.userTag(user.id))
    await LiveRevocation.userAccessEnded(user.id)
    await DataExportService.removeAll(user.id)

    const event = await AuditService.record({
      action: 'user.erased',
      actor,
      subjectUserId: user.id,
      meta,
    })
    /* the erasure itself keeps no address either */
    await db.from('audit_events').where('id', event.id).update({ ip: null, user_agent: null })
    /* the last word to the old address (the queued mail leaves Redis once sent) */
    await mail.sendLater(new AccountErasedMail(oldEmail, locale))
  },

  scrubMeta(meta: string | null, needles: string[]) {
    if (meta === null || meta === undefined) return null
    try {
      return JSON.stringify(scrub(JSON.parse(meta), needles))
    } catch {
      return redact(String(meta), needles)
    }
  },
}

/** Decides a pending erasure request once: false when another decision came first. */
async function claimPending(
  requestId: number,
  decision: Record<string, string | number | boolean>
) {
  const now = DateTime.utc().toFormat('yyyy-MM-dd HH:mm:ss')
  const changed = await db
    .from('erasure_requests')
    .where('id', requestId)
    .where('status', 'pending')
    .update({ ...decision, decided_at: now, updated_at: now })
  return Number(changed) > 0
}
