import vine from '@vinejs/vine'
import { formValidator } from '#validators/form_validator'
import { TICKET_CATEGORIES } from '#models/ticket'

/*
| „Jetzt kontaktieren“. Messages: `contact.validation` in resources/lang.
*/
const PREFIX = 'contact.validation'

export const CONTACT_MESSAGE_MAX = 5000

/* The form page's query string: a category to pre-select (an unknown one selects nothing). */
export const contactPageValidator = formValidator(
  PREFIX,
  vine.object({
    category: vine.string().maxLength(64).optional(),
  })
)

/* The Kundennummer is optional; inner spaces are allowed here and removed. `altcha`: the real-user check. */
export const contactValidator = formValidator(
  PREFIX,
  vine.object({
    name: vine.string().trim().minLength(2).maxLength(120),
    email: vine.string().trim().toLowerCase().email().maxLength(254),
    customerNumber: vine
      .string()
      .trim()
      .toUpperCase()
      .regex(/^(?=(?:[A-Z0-9-] *){3,20}$)[A-Z0-9 -]+$/)
      .transform((value) => value.replace(/\s+/g, ''))
      .optional(),
    category: vine.enum(TICKET_CATEGORIES),
    message: vine.string().trim().minLength(10).maxLength(CONTACT_MESSAGE_MAX),
    altcha: vine.string().optional(),
  })
)
