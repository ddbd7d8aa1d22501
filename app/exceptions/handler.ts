import app from '@adonisjs/core/services/app'
import { type HttpContext, ExceptionHandler } from '@adonisjs/core/http'
import type { StatusPageRange, StatusPageRenderer } from '@adonisjs/core/types/http'
import { renderApiBodyError } from '#services/ingest/api_errors'
import { formPageUrl, NOT_FLASHED } from '#exceptions/form_pages'

type ThrottleError = {
  headers?: Record<string, unknown>
  getDefaultHeaders(): Record<string, unknown>
  getResponseMessage(ctx: HttpContext): string
}

const errorCode = (error: unknown) =>
  error && typeof error === 'object' && 'code' in error ? error.code : undefined

/** The one place that maps exceptions to pages and status codes. */
export default class HttpExceptionHandler extends ExceptionHandler {
  protected debug = !app.inProduction && !app.inTest

  protected renderStatusPages = true

  protected statusPages: Record<StatusPageRange, StatusPageRenderer> = {
    '404': (error, { view }) => view.render('pages/errors/not_found', { error }),
    '429': (error, { view }) => view.render('pages/errors/too_many_requests', { error }),
    '500..599': (error, { view }) => view.render('pages/errors/server_error', { error }),
  }

  async handle(error: unknown, ctx: HttpContext) {
    if (ctx.request.url().startsWith('/api/')) {
      ctx.request.request.headers.accept = 'application/json'
      if (renderApiBodyError(error, ctx)) return
      return super.handle(error, ctx)
    }
    if (errorCode(error) === 'E_BAD_CSRF_TOKEN') return this.#expiredForm(ctx)
    if (errorCode(error) === 'E_TOO_MANY_REQUESTS' && this.#wantsPage(ctx)) {
      return this.#throttled(error as ThrottleError, ctx)
    }
    return super.handle(error, ctx)
  }

  /**
   * A form sent with an expired or missing CSRF token: back to the form with the
   * message in the visitor's language and the input, minus secrets (Shield's own
   * answer is English and flashes current passwords and codes into the session).
   */
  #expiredForm(ctx: HttpContext) {
    const message = ctx.i18n.t('common.csrf_expired')
    ctx.session.flashExcept(NOT_FLASHED)
    ctx.session.flash('error', message)
    ctx.session.flashErrors({ E_BAD_CSRF_TOKEN: message })
    return ctx.response.redirect().back()
  }

  /** A throttled browser request: the error page (layout, language, title), not one line of text. */
  async #throttled(error: ThrottleError, ctx: HttpContext) {
    for (const [name, value] of Object.entries(error.headers ?? error.getDefaultHeaders())) {
      ctx.response.header(name, String(value))
    }
    const message = error.getResponseMessage(ctx)
    ctx.response.status(429)
    return ctx.response.send(
      await ctx.view.render('pages/errors/too_many_requests', { error: { message } })
    )
  }

  #wantsPage(ctx: HttpContext) {
    const accepted = ctx.request.accepts(['html', 'application/vnd.api+json', 'json'])
    return accepted === 'html' || accepted === null
  }

  /**
   * The one answer to refused form input in a browser: the messages under
   * their fields, the input back in the form (never a secret), on the form's
   * own page. JSON clients get 422 with the same messages (the default).
   */
  async renderValidationErrorAsHTML(error: any, ctx: HttpContext) {
    ctx.session.flashValidationErrors(error, false)
    ctx.session.flashExcept(NOT_FLASHED)
    return ctx.response.redirect(formPageUrl(ctx))
  }

  async report(error: unknown, ctx: HttpContext) {
    return super.report(error, ctx)
  }
}
