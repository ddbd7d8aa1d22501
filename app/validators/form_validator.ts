import vine from '@vinejs/vine'
import { HttpContext } from '@adonisjs/core/http'
import i18nManager from '@adonisjs/i18n/services/main'
import type { SchemaTypes } from '@vinejs/vine/types'
import type { FieldContext, MessagesProviderContact } from '@vinejs/vine/types'

/**
 * Rule failures in the visitor's language, from `<prefix>.fields` and
 * `<prefix>.messages` in resources/lang (for example `contact.validation`).
 * The request being served is found through AsyncLocalStorage; outside a
 * request (ace, jobs) German is used.
 */
class LangMessages implements MessagesProviderContact {
  constructor(private prefix: string) {}

  getMessage(
    defaultMessage: string,
    rule: string,
    field: FieldContext,
    args?: Record<string, any>
  ) {
    const i18n = HttpContext.get()?.i18n ?? i18nManager.locale(i18nManager.defaultLocale)
    return i18n.createMessagesProvider(this.prefix).getMessage(defaultMessage, rule, field, args)
  }
}

/**
 * The one way to make a validator for request input (bodies, query strings,
 * params): a VineJS validator whose messages come from the area's lang file.
 * Controllers call `request.validateUsing(validator)`; a failure reaches the
 * exception handler, which answers 422 (JSON) or flashes the form (HTML).
 */
export function formValidator<Schema extends SchemaTypes>(prefix: string, schema: Schema) {
  const validator = vine.create(schema)
  validator.messagesProvider = new LangMessages(prefix)
  return validator
}
