import vine from '@vinejs/vine'
import { formValidator } from '#validators/form_validator'
import { TICKET_CATEGORIES } from '#models/ticket'
import { CONTACT_MESSAGE_MAX } from '#validators/contact'

/*
| „Meine Anfragen“. Messages: `requests.validation` in resources/lang.
*/
const PREFIX = 'requests.validation'

/** As long as a message of the contact form may be. */
export const REQUEST_MESSAGE_MAX = CONTACT_MESSAGE_MAX

const message = () => vine.string().trim().minLength(1).maxLength(REQUEST_MESSAGE_MAX)

/** The list's page number (20 requests a page). */
export const requestListValidator = formValidator(
  PREFIX,
  vine.object({
    page: vine.number().withoutDecimals().min(1).max(100_000).optional(),
  })
)

/** A request's id in the path (the route allows digits only). */
export const requestParamsValidator = formValidator(
  PREFIX,
  vine.object({ id: vine.number().withoutDecimals().min(1) })
)

/**
 * A new request from inside the portal (no captcha: the user is logged in).
 * `customer` is a customer number; whether it is one of the user's is the
 * scope's business (another one gets the shared 404). It is required as soon as
 * the user has a linked customer (`meta.hasCustomers`).
 */
export const newRequestValidator = formValidator(
  PREFIX,
  vine.object({
    category: vine.enum(TICKET_CATEGORIES),
    customer: vine
      .string()
      .trim()
      .maxLength(40)
      .optional()
      .requiredWhen((field) => Boolean(field.meta?.hasCustomers)),
    message: message(),
  })
)

/** A reply to one of the user's requests. */
export const replyValidator = formValidator(PREFIX, vine.object({ body: message() }))
