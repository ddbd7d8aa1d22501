import vine from '@vinejs/vine'
import { TICKET_CATEGORIES } from '#models/ticket'

export const CONTACT_MESSAGE_MAX = 5000

/* „Jetzt kontaktieren“. The Kundennummer is optional; inner spaces are allowed here and removed. */
export const contactValidator = vine.create({
  name: vine.string().trim().minLength(2).maxLength(120),
  email: vine.string().trim().toLowerCase().email().maxLength(254),
  customerNumber: vine
    .string()
    .trim()
    .toUpperCase()
    .regex(/^(?=(?:[A-Z0-9-] *){3,20}$)[A-Z0-9 -]+$/)
    .optional(),
  category: vine.enum(TICKET_CATEGORIES),
  message: vine.string().trim().minLength(10).maxLength(CONTACT_MESSAGE_MAX),
})
