import { createHash, randomBytes } from 'node:crypto'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import mail from '@adonisjs/mail/services/main'
import ChangeRequest, { type ChangeStatus } from '#models/change_request'
import Customer from '#models/customer'
import Terminal from '#models/terminal'
import type User from '#models/user'
import ChangeConfirmMail from '#mails/change_confirm_mail'
import { AuditService } from '#services/audit/audit_service'
import { OutOfScope } from '#services/merchant/customer_scope'
import { changeReference, ibanLast4, type TerminalOrderItem } from '#services/changes/change_fields'
import { ownersOf } from '#services/changes/change_recipients'

/** What a merchant asks for, already validated (app/validators/changes.ts). */
export type NewChange =
  | { kind: 'bank_account'; iban: string; account_holder: string }
  | { kind: 'address'; street: string; postal_code: string; city: string; country: string }
  | { kind: 'contact'; email: string; phone: string | null }
  | {
      kind: 'terminal_order'
      terminal_id: string
      item: TerminalOrderItem
      quantity?: number
      reason?: string
    }

/* a bank-account change waits this long for the confirmation from the existing address */
const CONFIRM_HOURS = 48
/* what the owner may still withdraw: nothing has been written yet */
const CANCELLABLE: ChangeStatus[] = ['awaiting_confirmation', 'pending', 'approved_once']

const digest = (raw: string) => createHash('sha256').update(raw).digest('hex')
const sqlNow = () => DateTime.now().toSQL({ includeOffset: false })!
const affected = (result: unknown) =>
  Array.isArray(result) ? Number(result[0]) : Number(result as number)

/*
| The merchant's side of structured change requests (docs/changes.md). The owner
| asks; support decides (ChangeApprovalService). A bank account waits first for
| the confirmation mailed to the customer's existing contact address.
*/
export const ChangeRequestService = {
  /** The customers' requests, newest first. */
  async list(customerIds: number[]) {
    if (customerIds.length === 0) return []
    return ChangeRequest.query()
      .whereIn('customer_id', customerIds)
      .preload('customer')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(200)
  },

  /** Stores a request of an owner; a bank account also mails the confirmation link. */
  async create(user: User, customerId: number, input: NewChange) {
    const customer = await Customer.findOrFail(customerId)
    const { kind, ...payload } = input
    if (input.kind === 'terminal_order') {
      /* only the customer's own terminals: any other TID is answered like a missing page */
      const terminal = await Terminal.query()
        .where('customer_id', customer.id)
        .where('terminal_id', input.terminal_id)
        .first()
      if (!terminal) throw new OutOfScope()
    }
    const rawToken = kind === 'bank_account' ? randomBytes(32).toString('base64url') : null
    const now = DateTime.now()
    const request = await db.transaction(async (trx) => {
      const created = await ChangeRequest.create(
        {
          customerId: customer.id,
          userId: user.id,
          kind,
          payload,
          status: rawToken ? 'awaiting_confirmation' : 'pending',
          confirmTokenHash: rawToken ? digest(rawToken) : null,
          confirmExpiresAt: rawToken ? now.plus({ hours: CONFIRM_HOURS }) : null,
        },
        { client: trx }
      )
      created.reference = changeReference(created.id, now.year)
      await created.useTransaction(trx).save()
      return created
    })
    await AuditService.record({
      action: 'change_request.created',
      actor: { type: 'user', id: user.id },
      subjectUserId: user.id,
      meta: { reference: request.reference, kind, customer: customer.customerNumber },
    })
    if (rawToken) await this.mailConfirmation(request, customer, user, rawToken)
    return request
  },

  /**
   * The link goes to the address support already knows (customers.email), not to
   * anything typed in this request; a customer without one: to its owners' addresses.
   */
  async mailConfirmation(request: ChangeRequest, customer: Customer, user: User, raw: string) {
    const recipients = customer.email
      ? [{ email: customer.email, locale: user.locale }]
      : await ownersOf(customer.id)
    for (const recipient of recipients) {
      await mail.sendLater(
        new ChangeConfirmMail(recipient.email, recipient.locale, {
          reference: request.reference!,
          companyName: customer.companyName,
          customerNumber: customer.customerNumber,
          ibanLast4: ibanLast4(request.payload.iban) ?? '',
          token: raw,
        })
      )
    }
  },

  /** Follows a confirmation link once: the bank-account change goes to support. */
  /** The request a confirmation link is for, while it still waits for it (the link unused). */
  async awaitingConfirmation(raw: unknown) {
    if (typeof raw !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(raw)) return null
    return ChangeRequest.query()
      .where('confirm_token_hash', digest(raw))
      .where('status', 'awaiting_confirmation')
      .where('confirm_expires_at', '>', sqlNow())
      .first()
  },

  async confirm(raw: unknown) {
    if (typeof raw !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(raw)) return null
    const request = await ChangeRequest.query()
      .where('confirm_token_hash', digest(raw))
      .where('status', 'awaiting_confirmation')
      .where('confirm_expires_at', '>', sqlNow())
      .first()
    if (!request) return null
    const updated = await ChangeRequest.query()
      .where('id', request.id)
      .where('status', 'awaiting_confirmation')
      .update({ status: 'pending', confirmed_at: sqlNow(), confirm_token_hash: null })
    if (affected(updated) !== 1) return null
    await AuditService.record({
      action: 'change_request.confirmed',
      actor: { type: 'anonymous' },
      subjectUserId: request.userId,
      meta: { reference: request.reference, kind: request.kind },
    })
    return request
  },

  /** Withdraws a request nothing has been applied of yet; false when it is too late. */
  async cancel(user: User, customerIds: number[], id: number) {
    const request = await ChangeRequest.query()
      .where('id', id)
      .whereIn('customer_id', customerIds)
      .first()
    if (!request) throw new OutOfScope()
    const updated = await ChangeRequest.query()
      .where('id', request.id)
      .whereIn('status', CANCELLABLE)
      .update({ status: 'cancelled', confirm_token_hash: null, updated_at: sqlNow() })
    if (affected(updated) !== 1) return false
    await AuditService.record({
      action: 'change_request.cancelled',
      actor: { type: 'user', id: user.id },
      subjectUserId: user.id,
      meta: { reference: request.reference, kind: request.kind },
    })
    return true
  },
}

export { CANCELLABLE }
