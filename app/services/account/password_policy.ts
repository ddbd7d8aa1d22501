import { ZxcvbnFactory } from '@zxcvbn-ts/core'
import * as common from '@zxcvbn-ts/language-common'
import * as en from '@zxcvbn-ts/language-en'
import * as de from '@zxcvbn-ts/language-de'

/*
| The password rule (NIST 800-63B style): 12–256 characters, no composition
| rules, rejected when zxcvbn (German, English and common dictionaries) scores
| it below 3 or when it contains the e-mail's local part or a customer number.
*/
export const PASSWORD_MIN = 12
export const PASSWORD_MAX = 256
const MIN_SCORE = 3

export type PasswordProblem =
  'too_short' | 'too_long' | 'contains_email' | 'contains_customer_number' | 'weak'

let factory: ZxcvbnFactory | undefined
const zxcvbn = () =>
  (factory ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary, ...de.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
  }))

const compact = (value: string) => value.toLowerCase().replace(/[\s._-]+/g, '')

export const PasswordPolicy = {
  /** Returns the first problem of a candidate password, or null when it is acceptable. */
  check(
    password: string,
    context: { email?: string | null; customerNumbers?: string[] } = {}
  ): PasswordProblem | null {
    const length = [...password].length
    if (length < PASSWORD_MIN) return 'too_short'
    if (length > PASSWORD_MAX) return 'too_long'

    const lowered = password.toLowerCase()
    const localPart = (context.email ?? '').split('@')[0]?.trim().toLowerCase() ?? ''
    if (
      localPart.length >= 3 &&
      (lowered.includes(localPart) || compact(password).includes(compact(localPart)))
    )
      return 'contains_email'
    for (const number of context.customerNumbers ?? []) {
      const normalized = compact(number)
      if (normalized.length >= 3 && compact(password).includes(normalized))
        return 'contains_customer_number'
    }

    /* zxcvbn's cost grows fast with length; 64 characters decide whether a passphrase is guessable */
    const sample = password.slice(0, 64)
    const inputs = [localPart, ...(context.customerNumbers ?? [])].filter(Boolean)
    if (zxcvbn().check(sample, inputs).score < MIN_SCORE) return 'weak'
    return null
  },
}
