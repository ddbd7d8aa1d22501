import vine from '@vinejs/vine'
import { formValidator } from '#validators/form_validator'
import { PASSWORD_MAX } from '#services/account/password_policy'

/*
| The privacy area's forms (docs/privacy.md). Messages: `privacy.validation` in resources/lang.
*/
const PREFIX = 'privacy.validation'

/** The download link's token (its format; whether it exists is the service's question). */
export const exportTokenValidator = formValidator(
  PREFIX,
  vine.object({ token: vine.string().trim().maxLength(64) })
)

/** „Konto löschen“: the password, the TOTP code when two-factor is on, and the tick. */
export const eraseSelfValidator = formValidator(
  PREFIX,
  vine.object({
    current_password: vine.string().maxLength(PASSWORD_MAX),
    code: vine.string().trim().maxLength(32).optional(),
    confirm: vine.accepted(),
  })
)

export const userIdValidator = formValidator(
  PREFIX,
  vine.object({ id: vine.number().withoutDecimals().min(1) })
)

export const erasureRequestIdValidator = formValidator(
  PREFIX,
  vine.object({
    id: vine.number().withoutDecimals().min(1),
    requestId: vine.number().withoutDecimals().min(1),
  })
)

/** Support's „Löschen auf Antrag“: why (the request, e.g. a ticket reference). */
export const erasureRequestValidator = formValidator(
  PREFIX,
  vine.object({ reason: vine.string().trim().minLength(5).maxLength(500) })
)

/** The second staff member's approval; an admin may tick the last-owner override. */
export const erasureApproveValidator = formValidator(
  PREFIX,
  vine.object({ override_last_owner: vine.boolean().optional() })
)
