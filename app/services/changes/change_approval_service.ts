import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import mail from '@adonisjs/mail/services/main'
import ChangeRequest, { CHANGE_STATUSES, type ChangeStatus } from '#models/change_request'
import Customer from '#models/customer'
import MasterDataLock from '#models/master_data_lock'
import User from '#models/user'
import type StaffUser from '#models/staff_user'
import ChangeDecidedMail, { type ChangeOutcome } from '#mails/change_decided_mail'
import { AuditService } from '#services/audit/audit_service'
import { APPLIED_FIELDS, maskedValues } from '#services/changes/change_fields'
import { requesterAndOwners } from '#services/changes/change_recipients'

/** What an approval did; everything but `approved_once` and `applied` is a refusal. */
export type ApprovalResult =
  'approved_once' | 'applied' | 'done' | 'same_approver' | 'not_confirmed' | 'not_open'

const OPEN: ChangeStatus[] = ['awaiting_confirmation', 'pending', 'approved_once']
const sqlNow = () => DateTime.now().toSQL({ includeOffset: false })!
const affected = (result: unknown) =>
  Array.isArray(result) ? Number(result[0]) : Number(result as number)

/* camelCase model attribute of a customers column */
const attribute = (column: string) => column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())

/*
| Support's side of change requests (docs/changes.md). Address and contact: one
| agent applies. Bank account: only once confirmed, then four eyes — a first
| approval (approved_once) and a second by a different staff member, which applies.
| Terminal orders are handled (done) by one agent. Every transition is a
| conditional update, so two agents clicking at once cannot both win.
*/
export const ChangeApprovalService = {
  /** The list for agents: by status, open ones first, oldest first. */
  async list(filters: { status?: string; page?: number }) {
    const query = ChangeRequest.query().preload('customer')
    if (filters.status === 'open') query.whereIn('status', OPEN)
    else if ((CHANGE_STATUSES as readonly string[]).includes(filters.status ?? '')) {
      query.where('status', filters.status!)
    }
    query.orderBy('created_at', 'asc').orderBy('id', 'asc')
    return query.paginate(Math.max(1, filters.page ?? 1), 25)
  },

  /** A request with its customer, requester and the names of the staff who decided. */
  async detail(id: number) {
    const request = await ChangeRequest.query().where('id', id).preload('customer').firstOrFail()
    const requester = request.userId ? await User.find(request.userId) : null
    const ids = [request.firstApproverId, request.secondApproverId, request.decidedByStaffId]
    const rows = await db
      .from('staff_users')
      .whereIn(
        'id',
        ids.filter((v): v is number => !!v)
      )
      .select('id', 'full_name')
    const staffNames = Object.fromEntries(rows.map((row) => [row.id, row.full_name]))
    return { request, requester, staffNames }
  },

  /** One approval: applies, or (bank account) records the first of two. */
  async approve(request: ChangeRequest, staff: StaffUser): Promise<ApprovalResult> {
    if (request.kind === 'terminal_order') return this.done(request, staff)
    if (request.status === 'awaiting_confirmation') return 'not_confirmed'
    if (request.kind !== 'bank_account') {
      return (await this.apply(request, staff, 'pending')) ? 'applied' : 'not_open'
    }
    if (request.status === 'pending') {
      const updated = await ChangeRequest.query()
        .where('id', request.id)
        .where('status', 'pending')
        .update({
          status: 'approved_once',
          first_approver_id: staff.id,
          first_approved_at: sqlNow(),
          updated_at: sqlNow(),
        })
      if (affected(updated) !== 1) return 'not_open'
      await this.audit('change_request.approved_once', request, staff)
      return 'approved_once'
    }
    if (request.status !== 'approved_once') return 'not_open'
    if (request.firstApproverId === staff.id) {
      await this.audit('change_request.second_approval_refused', request, staff)
      return 'same_approver'
    }
    return (await this.apply(request, staff, 'approved_once')) ? 'applied' : 'not_open'
  },

  /** Rejects an open request with a note the merchant is told. */
  async reject(request: ChangeRequest, staff: StaffUser, note: string | null) {
    const updated = await ChangeRequest.query()
      .where('id', request.id)
      .whereIn('status', OPEN)
      .update({
        status: 'rejected',
        confirm_token_hash: null,
        decided_by_staff_id: staff.id,
        decided_at: sqlNow(),
        decision_note: note,
        updated_at: sqlNow(),
      })
    if (affected(updated) !== 1) return false
    await this.audit('change_request.rejected', request, staff, { note })
    await this.tell(request, 'rejected', note)
    return true
  },

  /** A terminal order was handled. */
  async done(request: ChangeRequest, staff: StaffUser): Promise<ApprovalResult> {
    if (request.kind !== 'terminal_order') return 'not_open'
    const updated = await ChangeRequest.query()
      .where('id', request.id)
      .where('status', 'pending')
      .update({
        status: 'done',
        decided_by_staff_id: staff.id,
        decided_at: sqlNow(),
        updated_at: sqlNow(),
      })
    if (affected(updated) !== 1) return 'not_open'
    await this.audit('change_request.done', request, staff, { order: request.payload })
    await this.tell(request, 'done', null)
    return 'done'
  },

  /**
   * Writes the master data, the old values and the locks in one transaction,
   * only if the request is still in `from` (and, for the second approval, was
   * not first approved by this staff member).
   */
  async apply(request: ChangeRequest, staff: StaffUser, from: ChangeStatus) {
    const fields = APPLIED_FIELDS[request.kind as keyof typeof APPLIED_FIELDS]
    const now = DateTime.now()
    const secondApproval = from === 'approved_once'
    const applied = await db.transaction(async (trx) => {
      const query = ChangeRequest.query({ client: trx })
        .where('id', request.id)
        .where('status', from)
      if (secondApproval) query.whereNot('first_approver_id', staff.id)
      const claimed = await query.update({
        status: 'applied',
        decided_by_staff_id: staff.id,
        decided_at: sqlNow(),
        updated_at: sqlNow(),
        ...(secondApproval ? { second_approver_id: staff.id, second_approved_at: sqlNow() } : {}),
      })
      if (affected(claimed) !== 1) return null
      const customer = await Customer.query({ client: trx })
        .where('id', request.customerId)
        .firstOrFail()
      const before: Record<string, unknown> = {}
      const after: Record<string, unknown> = {}
      for (const field of fields) {
        before[field] = (customer as any)[attribute(field)] ?? null
        after[field] = request.payload[field] ?? null
        ;(customer as any)[attribute(field)] = after[field]
      }
      await customer.useTransaction(trx).save()
      await ChangeRequest.query({ client: trx })
        .where('id', request.id)
        .update({ before: JSON.stringify(before) })
      /* the import keeps these values and reports a conflict (import_customers.ts) */
      await MasterDataLock.query({ client: trx })
        .where('customer_id', customer.id)
        .whereIn('field', [...fields])
        .delete()
      await MasterDataLock.createMany(
        fields.map((field) => ({
          customerId: customer.id,
          field,
          value: after[field] === null ? null : String(after[field]),
          changeRequestId: request.id,
          appliedAt: now,
        })),
        { client: trx }
      )
      return { before, after }
    })
    if (!applied) return false
    await this.audit('change_request.applied', request, staff, {
      before: maskedValues(applied.before),
      after: maskedValues(applied.after),
    })
    await this.tell(request, 'applied', null)
    return true
  },

  async audit(
    action: string,
    request: ChangeRequest,
    staff: StaffUser,
    extra: Record<string, unknown> = {}
  ) {
    await AuditService.record({
      action,
      actor: { type: 'staff', id: staff.id },
      subjectUserId: request.userId,
      meta: { reference: request.reference, kind: request.kind, ...extra },
    })
  },

  /** Mails the requester and the customer's owners, each in their language. */
  async tell(request: ChangeRequest, outcome: ChangeOutcome, note: string | null) {
    for (const recipient of await requesterAndOwners(request.customerId, request.userId)) {
      await mail.sendLater(
        new ChangeDecidedMail(recipient.email, recipient.locale, {
          reference: request.reference!,
          kind: request.kind,
          outcome,
          note,
        })
      )
    }
  },
}
