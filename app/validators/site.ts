import vine from '@vinejs/vine'
import { formValidator } from '#validators/form_validator'

/*
| The site's own forms. Messages: `common.validation` in resources/lang.
*/

/* The visible language switch: an unknown language changes nothing, `back` is checked by safeRedirectTarget. */
export const localeValidator = formValidator(
  'common.validation',
  vine.object({
    locale: vine.string().maxLength(10).optional(),
    back: vine.string().maxLength(2048).optional(),
  })
)
