import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import Customer from '#models/customer'
import { AuditService } from '#services/audit/audit_service'
import hash from '@adonisjs/core/services/hash'
import { LoginService } from '#services/account/login_service'
import { LoginThrottle, type Client } from '#services/account/login_throttle'
import { Totp } from '#services/security/totp'
import { LiveRevocation } from '#services/ingest/live_revocation'
import { OwnerLinks } from '#services/account/owner_links'

/** A customer the user owns, with whether it requires two-factor sign-in of its users. */
export type OwnedCustomer = {
  id: number
  customerNumber: string
  companyName: string
  requireTwoFactor: boolean
}

/** A linked customer that requires two-factor sign-in (it cannot be turned off then). */
export type RequiringCustomer = { customerNumber: string; companyName: string }

/* the name the authenticator app shows next to the merchant's e-mail */
const ISSUER = 'Kundenportal'

/*
| Optional TOTP for merchants, switched on and off on the account page (the
| login's code step: LoginService.checkSecondFactor). Stored like the staff's:
| the secret encrypted, ten recovery codes hashed (`#services/security/totp`).
| An owner can require it for everyone on a customer (`customers.require_two_factor`):
| CustomerScope then withholds that customer from its users without TOTP.
*/
export const TwoFactorService = {
  /** A new secret for an enrolment (kept by the caller until confirmed). */
  newSecret() {
    return Totp.newSecret()
  },

  /** The otpauth:// URI, its QR code (data: URL) and the secret grouped for typing. */
  async enrolment(user: User, secret: string) {
    return Totp.enrolment(ISSUER, user.email, secret)
  },

  /**
   * Confirms the secret with a code from the app: stores it and returns the ten
   * recovery codes (to show once), or null when the code is wrong or TOTP is on already.
   */
  async enable(user: User, secret: string, code: string) {
    if (user.totpEnabledAt) return null
    if (!(await Totp.verifyCode(secret, code))) return null
    const codes = Totp.newRecoveryCodes()
    user.totpSecret = Totp.encryptSecret(secret)
    user.totpEnabledAt = DateTime.now()
    user.recoveryCodes = codes.stored
    await user.save()
    await AuditService.record({
      action: 'account.two_factor.enabled',
      actor: { type: 'user', id: user.id },
      subjectUserId: user.id,
    })
    return codes.plain
  },

  /**
   * Turns TOTP off with the current password and a code (TOTP or recovery code).
   * Both wrong answers count toward the lockout like failed logins.
   */
  async disable(
    user: User,
    password: string,
    code: string,
    client: Client
  ): Promise<'done' | 'wrong_current' | 'wrong_code' | 'not_enabled' | 'required'> {
    if (!user.totpEnabledAt) return 'not_enabled'
    /* not a secret and no guess: refused before anything is checked or counted */
    if ((await this.requiredBy(user)).length > 0) return 'required'
    const { failuresOnRecord } = await LoginThrottle.assertAllowed(user.email, client)
    if (!(await hash.verify(user.password, password))) {
      await LoginService.recordWrongCurrentPassword(user, client.ip)
      return 'wrong_current'
    }
    /* the count restarts only when both are right: the password alone does not
       reopen the budget for guessing codes */
    if (!(await Totp.checkEither(User, user, code))) {
      await LoginService.recordWrongSecondFactor(user, client)
      return 'wrong_code'
    }
    await LoginService.recordRightCurrentPassword(user, failuresOnRecord)
    user.totpSecret = null
    user.totpEnabledAt = null
    user.recoveryCodes = null
    await user.save()
    await AuditService.record({
      action: 'account.two_factor.disabled',
      actor: { type: 'user', id: user.id },
      subjectUserId: user.id,
    })
    return 'done'
  },

  /** The user's linked customers whose owner requires two-factor sign-in. */
  async requiredBy(user: User): Promise<RequiringCustomer[]> {
    const rows = await db
      .from('customer_user')
      .join('customers', 'customers.id', 'customer_user.customer_id')
      .where('customer_user.user_id', user.id)
      .where('customers.require_two_factor', true)
      .orderBy('customer_user.id', 'asc')
      .select('customers.customer_number', 'customers.company_name')
    return rows.map((row) => ({
      customerNumber: row.customer_number,
      companyName: row.company_name,
    }))
  },

  /** The customers the user owns, oldest link first, with their requirement. */
  async ownedCustomers(user: User): Promise<OwnedCustomer[]> {
    const rows = await db
      .from('customer_user')
      .join('customers', 'customers.id', 'customer_user.customer_id')
      .where('customer_user.user_id', user.id)
      .where('customer_user.role', 'owner')
      /* a customer withheld until TOTP is not the owner's to manage (nor to switch off) */
      .if(OwnerLinks.withheldFrom(user), (q) => q.where('customers.require_two_factor', false))
      .orderBy('customer_user.id', 'asc')
      .select(
        'customers.id',
        'customers.customer_number',
        'customers.company_name',
        'customers.require_two_factor'
      )
    return rows.map((row) => ({
      id: Number(row.id),
      customerNumber: row.customer_number,
      companyName: row.company_name,
      requireTwoFactor: Boolean(row.require_two_factor),
    }))
  },

  /**
   * An owner requires two-factor sign-in for everyone on a customer, or stops
   * requiring it. 'not_found' for a customer the user does not own (the caller
   * answers the shared 404); 'needs_own' when the owner has no TOTP themselves
   * (requiring it would hide the customer from the owner too).
   */
  async setRequired(
    user: User,
    customerId: number,
    required: boolean
  ): Promise<'done' | 'unchanged' | 'not_found' | 'needs_own'> {
    const owned = (await this.ownedCustomers(user)).find((c) => c.id === customerId)
    if (!owned) return 'not_found'
    if (owned.requireTwoFactor === required) return 'unchanged'
    if (required && !user.totpEnabledAt) return 'needs_own'
    const customer = await Customer.findOrFail(customerId)
    customer.requireTwoFactor = required
    await customer.save()
    await AuditService.record({
      action: required
        ? 'account.two_factor.customer_required'
        : 'account.two_factor.customer_not_required',
      actor: { type: 'user', id: user.id },
      subjectUserId: user.id,
      meta: { customerId: customer.id, customerNumber: customer.customerNumber },
    })
    if (required) {
      /* linked users without two-factor stop seeing the customer live at once */
      const withoutTotp = await db
        .from('customer_user')
        .join('users', 'users.id', 'customer_user.user_id')
        .where('customer_user.customer_id', customer.id)
        .whereNull('users.totp_enabled_at')
        .select('customer_user.user_id as userId')
      for (const { userId } of withoutTotp) {
        await LiveRevocation.customerAccessEnded(userId, customer.id)
      }
    }
    return 'done'
  },

  /** How many unused recovery codes the merchant has. */
  recoveryCodesLeft(user: User) {
    return Totp.remainingRecoveryCodes(user)
  },
}
