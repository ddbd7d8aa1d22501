import vine from '@vinejs/vine'

/* Login takes whatever was typed: no format rules, so the answer never hints at what exists. */
export const loginValidator = vine.create({
  email: vine.string().trim().maxLength(254),
  password: vine.string().maxLength(256),
  redirect: vine.string().maxLength(512).optional(),
})
