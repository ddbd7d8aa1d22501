import vine from '@vinejs/vine'

/* The fields a user action may carry; `confirmed` is the server-side confirmation. */
export const staffActionValidator = vine.create({
  confirmed: vine.string().trim().maxLength(3).optional(),
  reason: vine.string().trim().maxLength(500).optional(),
  customerId: vine.number().withoutDecimals().positive().optional(),
  back: vine.string().trim().maxLength(512).optional(),
})
