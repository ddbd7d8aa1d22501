import vine from '@vinejs/vine'

/* A billing month for a manual invoice run. */
export const invoiceRunValidator = vine.create({
  period: vine
    .string()
    .trim()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/),
})
