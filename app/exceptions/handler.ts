import app from '@adonisjs/core/services/app'
import { type HttpContext, ExceptionHandler } from '@adonisjs/core/http'
import type { StatusPageRange, StatusPageRenderer } from '@adonisjs/core/types/http'
import { renderApiBodyError } from '#services/ingest/api_errors'
import { formPageUrl, NOT_FLASHED } from '#exceptions/form_pages'

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
    }
    return super.handle(error, ctx)
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
