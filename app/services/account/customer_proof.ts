import { createHash, randomInt } from 'node:crypto'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import mail from '@adonisjs/mail/services/main'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import Customer from '#models/customer'
import AccessRequestMail from '#mails/access_request_mail'
import { activationCodeDays, registrationProof } from '#config/portal'
import { visibleLinksOnly } from '#services/account/owner_links'

/** Trimmed, upper case, inner spaces removed: the one stored form of a Kundennummer. */
export function normalizeCustomerNumber(value: string) {
  return value.trim().toUpperCase().replace(/\s+/g, '')
}

/** A Terminal-ID as typed (spaces allowed) reduced to its digits. */
export function normalizeTerminalId(value: string) {
  return value.replace(/\s+/g, '')
}

/** An activation code as typed (any case, spaces and hyphens allowed) in its one stored form. */
export function normalizeActivationCode(value: string) {
  return value.toUpperCase().replace(/[\s-]+/g, '')
}

/* 32 signs without I, O, 0 and 1 (nothing to mix up on a letter): 12 of them are 60 bits */
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'
const CODE_LENGTH = 12

/** The form field's accepted shape for the proof in force (the validator asks per request). */
export function proofFormatOk(value: string) {
  if (registrationProof() === 'code') {
    return new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`).test(normalizeActivationCode(value))
  }
  return /^\d{8}$/.test(normalizeTerminalId(value))
}

function codeHash(code: string) {
  return createHash('sha256')
    .update(`activation-code:${normalizeActivationCode(code)}`)
    .digest('hex')
}

export const CustomerProof = {
  /**
   * The customer with this number, when the proof holds; null otherwise.
   * `REGISTRATION_PROOF=tid`: the terminal belongs to it and is in service
   * (`active`) — a decommissioned, inactive or blocked terminal's TID, still
   * printed on old receipts, proves nothing. `code`: an unused, unexpired
   * activation code of that customer (used up when the claim is stored).
   */
  async find(customerNumber: string, proof: string) {
    if (registrationProof() === 'code') return this.findByCode(customerNumber, proof)
    const terminalId = proof
    return Customer.query()
      .where('customer_number', normalizeCustomerNumber(customerNumber))
      .whereHas('terminals', (query) =>
        query.where('terminal_id', normalizeTerminalId(terminalId)).where('status', 'active')
      )
      .first()
  },

  async findByCode(customerNumber: string, code: string) {
    const hashed = codeHash(code)
    const customer = await Customer.findBy(
      'customer_number',
      normalizeCustomerNumber(customerNumber)
    )
    const row = await db
      .from('activation_codes')
      .where('code_hash', hashed)
      .whereNull('used_at')
      .where('expires_at', '>', sqlNow())
      .first()
    /* both lookups always run: the time tells nothing about which one failed */
    if (!customer || !row || Number(row.customer_id) !== customer.id) return null
    return customer
  },
}

/** The code was used by a concurrent claim between the check and the claim. */
export class ActivationCodeSpent extends Error {}

export type IssuedCode = {
  customerNumber: string
  companyName: string
  street: string
  postalCode: string
  city: string
  code: string
  expiresAt: DateTime
}

/*
| Activation codes (REGISTRATION_PROOF=code) for a letter run: one per customer,
| shown once, stored as a hash, single use, expiring. A new code for a customer
| replaces its unused one.
*/
export const ActivationCodes = {
  generateCode() {
    let code = ''
    for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]
    return code.match(/.{4}/g)!.join('-')
  },

  /** New codes for every customer, or the one with `customerNumber` (null when it does not exist). */
  async issue(options: { customerNumber?: string; days?: number }): Promise<IssuedCode[] | null> {
    const days = options.days ?? activationCodeDays
    const query = Customer.query().orderBy('customer_number')
    if (options.customerNumber !== undefined) {
      query.where('customer_number', normalizeCustomerNumber(options.customerNumber))
    }
    const customers = await query
    if (options.customerNumber !== undefined && !customers.length) return null
    const expiresAt = DateTime.now().plus({ days }).startOf('second')
    const issued: IssuedCode[] = []
    for (const customer of customers) {
      const code = this.generateCode()
      await db.transaction(async (trx) => {
        await trx
          .from('activation_codes')
          .where('customer_id', customer.id)
          .whereNull('used_at')
          .delete()
        await trx.table('activation_codes').insert({
          customer_id: customer.id,
          code_hash: codeHash(code),
          expires_at: expiresAt.toSQL({ includeOffset: false }),
          created_at: sqlNow(),
        })
      })
      issued.push({
        customerNumber: customer.customerNumber,
        companyName: customer.companyName,
        street: customer.street,
        postalCode: customer.postalCode,
        city: customer.city,
        code,
        expiresAt,
      })
    }
    return issued
  },

  /** Uses the code up for this claim; throws when a concurrent claim used it first. */
  async spend(client: QueryClientContract, customerId: number, code: string, userId: number) {
    const affected = await client
      .from('activation_codes')
      .where({ customer_id: customerId, code_hash: codeHash(code) })
      .whereNull('used_at')
      .where('expires_at', '>', sqlNow())
      .update({ used_at: sqlNow(), used_by_user_id: userId })
    const count = Array.isArray(affected) ? Number(affected[0]) : Number(affected)
    if (count !== 1) throw new ActivationCodeSpent('activation code already used')
  },
}

function sqlNow() {
  return DateTime.now().toSQL({ includeOffset: false })
}

/** What proving a customer gave: access as its (first) owner, or a request to its owners. */
export type ClaimResult = 'owner' | 'requested' | 'already' | 'already_requested'

export type Claim = {
  userId: number
  customerId: number
  provenBy: 'registration' | 'terminal_id'
  terminalId: string
}

/*
| The access model (PRODUCT „Access model“): proving a customer (Kundennummer +
| Terminal-ID) gives access only to the customer's first user, who becomes its
| owner. Anyone later gets an access request and sees nothing of the customer
| until an owner approves it (/account/users).
*/
export const CustomerClaim = {
  /**
   * Links the user as owner when the customer has no owner yet, else files an
   * access request. An owner who never confirmed their address does not count:
   * an unconfirmed registration cannot keep the customer's real users out.
   */
  async claim(client: QueryClientContract, claim: Claim): Promise<ClaimResult> {
    const link = await client
      .from('customer_user')
      .where({ user_id: claim.userId, customer_id: claim.customerId })
      .first()
    if (link) return 'already'
    const pending = await client
      .from('access_requests')
      .where({ user_id: claim.userId, customer_id: claim.customerId, status: 'pending' })
      .first()
    if (pending) return 'already_requested'
    const now = sqlNow()
    const byCode = registrationProof() === 'code'
    if (byCode)
      await ActivationCodes.spend(client, claim.customerId, claim.terminalId, claim.userId)
    const proof = {
      user_id: claim.userId,
      customer_id: claim.customerId,
      proven_by: byCode ? 'activation_code' : claim.provenBy,
      proof_terminal_id: byCode ? null : normalizeTerminalId(claim.terminalId),
      created_at: now,
    }
    if ((await this.confirmedOwners(client, claim.customerId)).length === 0) {
      await client.table('customer_user').insert({ ...proof, role: 'owner' })
      return 'owner'
    }
    await client.table('access_requests').insert({ ...proof, status: 'pending' })
    return 'requested'
  },

  /** The customer's owners who confirmed their address (whatever their state since). */
  async confirmedOwners(client: QueryClientContract, customerId: number) {
    return (
      client
        .from('customer_user')
        .join('users', 'users.id', 'customer_user.user_id')
        .where('customer_user.customer_id', customerId)
        .where('customer_user.role', 'owner')
        /* by the confirmation itself: an unconfirmed registration that support disabled is no owner */
        .whereNotNull('users.email_verified_at')
        .select('users.id', 'users.email', 'users.locale', 'users.state')
    )
  },

  /** Tells the customer's active owners about a new access request (link to /account/users). */
  async notifyOwners(customerId: number, requesterEmail: string) {
    const customer = await Customer.findOrFail(customerId)
    /* confirmed, active owners who can see the customer: the one two-factor rule, as on
       /account/users */
    const owners = await visibleLinksOnly(
      db.from('customer_user').join('users', 'users.id', 'customer_user.user_id')
    )
      .where('customer_user.customer_id', customerId)
      .where('customer_user.role', 'owner')
      .whereNotNull('users.email_verified_at')
      .where('users.state', 'active')
      .select('users.email', 'users.locale')
    for (const owner of owners) {
      await mail.sendLater(
        new AccessRequestMail(owner.email, owner.locale, {
          customerNumber: customer.customerNumber,
          companyName: customer.companyName,
          requesterEmail,
        })
      )
    }
  },
}
