import vine from '@vinejs/vine'
import { formValidator } from '#validators/form_validator'
import { PASSWORD_MAX, PASSWORD_MIN } from '#services/account/password_policy'
import { CUSTOMER_ROLES } from '#models/customer_user'
import { proofFormatOk } from '#services/account/customer_proof'
import { registrationProof } from '#config/portal'

/*
| The account area's forms and query strings. Messages: `account.validation`
| in resources/lang.
*/
const PREFIX = 'account.validation'

const email = () => vine.string().trim().email().maxLength(254)
const customerNumber = () =>
  vine
    .string()
    .trim()
    .toUpperCase()
    .regex(/^(?:[A-Z0-9-]\s*){3,20}$/)
    .transform((value) => value.replace(/\s+/g, ''))
/*
 * The customer's proof in the field `terminal_id`: a Terminal-ID (8 digits), or with
 * REGISTRATION_PROOF=code the letter's activation code (XXXX-XXXX-XXXX), read per request.
 */
const proofFormat = vine.createRule((value, _options, field) => {
  if (typeof value !== 'string' || proofFormatOk(value)) return
  const rule = registrationProof() === 'code' ? 'activation_code' : 'regex'
  field.report('The format of {{ field }} is not valid', rule, field)
})
const terminalId = () =>
  vine
    .string()
    .trim()
    .maxLength(40)
    .use(proofFormat())
    .transform((value) => value.replace(/\s+/g, ''))
/* length is checked here; strength and personal content by PasswordPolicy (with the reason) */
const newPassword = () => vine.string().minLength(PASSWORD_MIN).maxLength(PASSWORD_MAX).confirmed()
/* a same-site target after login; safeRedirectTarget decides whether it is followed */
const redirectTarget = () => vine.string().maxLength(512).optional()

/* The login page's query string: where to go after login, and the „abgemeldet“ notice. */
export const loginPageValidator = formValidator(
  PREFIX,
  vine.object({
    redirect: redirectTarget(),
    logged_out: vine.boolean().optional(),
  })
)

/* Login takes whatever was typed: no format rules, so the answer never hints at what exists. */
export const loginValidator = formValidator(
  PREFIX,
  vine.object({
    email: vine.string().trim().maxLength(254),
    password: vine.string().maxLength(PASSWORD_MAX),
    redirect: redirectTarget(),
  })
)

export const registerValidator = formValidator(
  PREFIX,
  vine.object({
    email: email(),
    password: newPassword(),
    customer_number: customerNumber(),
    terminal_id: terminalId(),
    consent: vine.accepted(),
  })
)

/* `altcha`: the real-user check's payload, verified by the service. */
export const forgotPasswordValidator = formValidator(
  PREFIX,
  vine.object({
    email: email(),
    customer_number: customerNumber(),
    altcha: vine.string().optional(),
  })
)

export const resetPasswordValidator = formValidator(
  PREFIX,
  vine.object({
    password: newPassword(),
  })
)

export const customerProofValidator = formValidator(
  PREFIX,
  vine.object({
    customer_number: customerNumber(),
    terminal_id: terminalId(),
  })
)

export const profileValidator = formValidator(
  PREFIX,
  vine.object({
    full_name: vine.string().trim().maxLength(120).optional(),
    phone: vine
      .string()
      .trim()
      .maxLength(40)
      .regex(/^[0-9+()/\- ]{3,40}$/)
      .optional(),
    locale: vine.enum(['de', 'en']),
  })
)

/* The account page's two alert switches (checkboxes: absent = off). */
export const alertSettingsValidator = formValidator(
  PREFIX,
  vine.object({
    alert_unclosed: vine.boolean().optional(),
    alert_differences: vine.boolean().optional(),
  })
)

export const passwordChangeValidator = formValidator(
  PREFIX,
  vine.object({
    current_password: vine.string().maxLength(PASSWORD_MAX),
    password: newPassword(),
  })
)

export const emailChangeValidator = formValidator(
  PREFIX,
  vine.object({
    email: email(),
    current_password_email: vine.string().maxLength(PASSWORD_MAX),
  })
)

/* Two-factor: a 6-digit TOTP code or a recovery code (xxxxx-xxxxx). */
export const twoFactorCodeValidator = formValidator(
  PREFIX,
  vine.object({ code: vine.string().trim().maxLength(32) })
)

/* Turning two-factor on: the current password (a session alone must not bind an authenticator
   that the account's owner does not hold) and the first code. */
export const twoFactorEnableValidator = formValidator(
  PREFIX,
  vine.object({
    current_password: vine.string().maxLength(PASSWORD_MAX),
    code: vine.string().trim().maxLength(32),
  })
)

/* Turning two-factor off: the current password and a code. */
export const twoFactorDisableValidator = formValidator(
  PREFIX,
  vine.object({
    current_password: vine.string().maxLength(PASSWORD_MAX),
    code: vine.string().trim().maxLength(32),
  })
)

/*
| „Benutzer“ (/account/users): approve/deny requests, change roles, remove users.
| Messages: `account.validation` in resources/lang.
*/

/** A request's or a link's id in the path (the route's pattern allows digits only). */
export const accessIdValidator = formValidator(
  'account.validation',
  vine.object({ id: vine.number().withoutDecimals().min(1) })
)

/** The role given on approval or a role change. */
export const accessRoleValidator = formValidator(
  'account.validation',
  vine.object({ role: vine.enum(CUSTOMER_ROLES) })
)

/* An owner requiring two-factor sign-in for a customer: the checkbox (absent = off). */
export const twoFactorRequireValidator = formValidator(
  'account.validation',
  vine.object({ require_two_factor: vine.boolean().optional() })
)

/*
| Invitations: an owner invites an address with a role; the invitee sets name and password.
*/

/** „Einladen“ on /account/users: the customer (one the owner owns), the address and the role. */
export const invitationValidator = formValidator(
  'account.validation',
  vine.object({
    customer_id: vine.number().withoutDecimals().min(1),
    email: email(),
    role: vine.enum(CUSTOMER_ROLES),
  })
)

/** A new address accepts: its name and a password (strength: PasswordPolicy). */
export const invitationAcceptValidator = formValidator(
  'account.validation',
  vine.object({
    full_name: vine.string().trim().minLength(1).maxLength(120),
    password: newPassword(),
  })
)
