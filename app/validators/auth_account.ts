import vine from '@vinejs/vine'
import { PASSWORD_MAX, PASSWORD_MIN } from '#services/account/password_policy'

export const profileValidator = vine.create({
  full_name: vine.string().trim().maxLength(120).optional(),
  phone: vine
    .string()
    .trim()
    .maxLength(40)
    .regex(/^[0-9+()/\- ]{3,40}$/)
    .optional(),
  locale: vine.enum(['de', 'en']),
})

export const passwordChangeValidator = vine.create({
  current_password: vine.string().maxLength(PASSWORD_MAX),
  password: vine.string().minLength(PASSWORD_MIN).maxLength(PASSWORD_MAX).confirmed(),
})

export const emailChangeValidator = vine.create({
  email: vine.string().trim().email().maxLength(254),
  current_password_email: vine.string().maxLength(PASSWORD_MAX),
})
