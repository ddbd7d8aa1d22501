import vine from '@vinejs/vine'
import type { FieldContext } from '@vinejs/vine/types'
import { formValidator } from '#validators/form_validator'
import { ZIP_MAX_YEARS, monthsInRange } from '#services/invoices/invoice_zip'

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/

/** `to` not before `from`, and at most ZIP_MAX_YEARS years from `from` to `to`. */
const periodRange = vine.createRule((value: unknown, _options: undefined, field: FieldContext) => {
  const from = (field.parent as Record<string, unknown> | undefined)?.from
  if (typeof value !== 'string' || typeof from !== 'string') return
  if (!MONTH.test(value) || !MONTH.test(from.trim())) return
  const months = monthsInRange({ from: from.trim(), to: value })
  if (months < 1) {
    field.report('The end must not be before the start', 'period_order', field)
  } else if (months > ZIP_MAX_YEARS * 12) {
    field.report('At most {max} years', 'period_max', field, { max: ZIP_MAX_YEARS })
  }
})

/**
 * „Alle Rechnungen als ZIP“ (`GET /invoices.zip`): a year (`?year=2026`) or a range
 * of billing months (`?from=2026-01&to=2026-06`, at most 10 years); with a year,
 * from and to are not read.
 */
export const invoiceZipValidator = formValidator(
  'invoices.validation',
  vine.object({
    year: vine
      .string()
      .trim()
      .regex(/^\d{4}$/)
      .transform((value) => Number(value))
      .optional()
      .requiredIfMissing(['from', 'to']),
    from: vine.string().trim().regex(MONTH).optional().requiredIfMissing('year'),
    to: vine.string().trim().regex(MONTH).use(periodRange()).optional().requiredIfMissing('year'),
  })
)
