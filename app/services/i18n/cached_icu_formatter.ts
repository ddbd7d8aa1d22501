import formatters from '@poppinss/intl-formatter'
import { IntlMessageFormat } from 'intl-messageformat'
import type { TranslationsFormatterContract } from '@adonisjs/i18n/types'

const valueFormatters = {
  getNumberFormat: formatters.number,
  getDateTimeFormat: formatters.date,
  getPluralRules: formatters.plural,
}

/** Parsed messages kept per locale and text; cleared when it grows past this (dynamic texts). */
const LIMIT = 5000
const parsedMessages = new Map<string, IntlMessageFormat>()

/**
 * The ICU formatter of @adonisjs/i18n, with each message parsed once: the
 * package's own formatter builds a new IntlMessageFormat (ICU parse and locale
 * resolution) for every `t()`, which was a tenth of a list page's CPU. A parsed
 * message formats any values, so it is kept by locale and message text (shared by
 * every request's formatter).
 */
export class CachedIcuFormatter implements TranslationsFormatterContract {
  readonly name = 'icu'
  format(message: string, locale: string, data?: Record<string, any>): string {
    const key = `${locale}\u0000${message}`
    let parsed = parsedMessages.get(key)
    if (!parsed) {
      if (parsedMessages.size >= LIMIT) parsedMessages.clear()
      parsed = new IntlMessageFormat(
        message,
        locale,
        {},
        {
          formatters: valueFormatters,
          ignoreTag: true,
        }
      )
      parsedMessages.set(key, parsed)
    }
    return parsed.format(data || {}) as string
  }
}
