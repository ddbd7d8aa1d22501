import vine from '@vinejs/vine'
import { formValidator } from '#validators/form_validator'
import { FREQUENCIES } from '#services/reports/report_periods'

/*
| Reports by mail. Messages: `reports.validation` in resources/lang.
*/
const PREFIX = 'reports.validation'

/**
 * One customer's subscriptions as the form sends them: the customer number
 * (whether it is one of the user's is the scope's business: another one gets the
 * shared 404) and the chosen frequencies (none: no report for that customer).
 */
export const subscriptionsValidator = formValidator(
  PREFIX,
  vine.object({
    customer: vine.string().trim().minLength(3).maxLength(20),
    frequencies: vine.array(vine.enum(FREQUENCIES)).maxLength(FREQUENCIES.length).optional(),
  })
)

/** A subscription's id in the signed unsubscribe link (the route allows digits only). */
export const unsubscribeParamsValidator = formValidator(
  PREFIX,
  vine.object({ id: vine.number().withoutDecimals().min(1) })
)
