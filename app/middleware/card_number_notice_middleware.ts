import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { maskedFields } from '#services/security/masked_input'

/**
 * Tells the writer, on the next page and in their language, that a card number
 * in what they sent was masked (BodyParserMiddleware masked it). Runs after the
 * session middleware; the flash holds only the fact, never the text.
 */
export default class CardNumberNoticeMiddleware {
  handle(ctx: HttpContext, next: NextFn) {
    if (maskedFields(ctx.request).length) ctx.session.flash('cardNumberMasked', true)
    return next()
  }
}
