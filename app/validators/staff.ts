import vine from '@vinejs/vine'

/* Admin login takes whatever was typed: no format rules, the answer never hints at what exists. */
export const staffLoginValidator = vine.create({
  email: vine.string().trim().maxLength(254),
  password: vine.string().maxLength(256),
})

/* A 6-digit TOTP code or a recovery code (xxxxx-xxxxx). */
export const staffCodeValidator = vine.create({
  code: vine.string().trim().maxLength(32),
})

/* `node ace staff:create` and the staff form. */
export const staffCreateValidator = vine.create({
  email: vine.string().trim().toLowerCase().email().maxLength(254),
  fullName: vine.string().trim().minLength(2).maxLength(120),
  role: vine.enum(['agent', 'admin'] as const),
  password: vine.string().minLength(12).maxLength(256),
})
