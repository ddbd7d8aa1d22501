import vine from '@vinejs/vine'
import { PASSWORD_MAX, PASSWORD_MIN } from '#services/account/password_policy'

/* Login takes whatever was typed: no format rules, so the answer never hints at what exists. */
export const loginValidator = vine.create({
  email: vine.string().trim().maxLength(254),
  password: vine.string().maxLength(PASSWORD_MAX),
  redirect: vine.string().maxLength(512).optional(),
})

const email = () => vine.string().trim().email().maxLength(254)
const customerNumber = () =>
  vine
    .string()
    .trim()
    .toUpperCase()
    .regex(/^(?:[A-Z0-9-]\s*){3,20}$/)
    .transform((value) => value.replace(/\s+/g, ''))
const terminalId = () =>
  vine
    .string()
    .trim()
    .regex(/^(?:\d\s*){8}$/)
    .transform((value) => value.replace(/\s+/g, ''))
/* length is checked here; strength and personal content by PasswordPolicy (with the reason) */
const newPassword = () => vine.string().minLength(PASSWORD_MIN).maxLength(PASSWORD_MAX).confirmed()

export const registerValidator = vine.create({
  email: email(),
  password: newPassword(),
  customer_number: customerNumber(),
  terminal_id: terminalId(),
  consent: vine.accepted(),
})

export const forgotPasswordValidator = vine.create({
  email: email(),
  customer_number: customerNumber(),
})

export const resetPasswordValidator = vine.create({
  password: newPassword(),
})

export const customerProofValidator = vine.create({
  customer_number: customerNumber(),
  terminal_id: terminalId(),
})
