import { readdirSync } from 'node:fs'
import { inject } from '@adonisjs/core'
import app from '@adonisjs/core/services/app'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import StaticMiddleware from '@adonisjs/static/static_middleware'

/* the top-level names in public/ (css, js, favicon.svg …), read once: they change only with a deploy */
const TOP_LEVEL = new Set(readdirSync(app.publicPath()))

/**
 * Serves files from public/ — but asks the file system only for paths that can
 * be there (first segment is an entry of public/). @adonisjs/static would look up
 * every request's path on disk, a `stat` for each page and API call.
 */
@inject()
export default class PublicFilesMiddleware {
  constructor(protected files: StaticMiddleware) {}

  handle(ctx: HttpContext, next: NextFn) {
    const url = ctx.request.url()
    const end = url.indexOf('/', 1)
    const first = end === -1 ? url.slice(1) : url.slice(1, end)
    return TOP_LEVEL.has(first) ? this.files.handle(ctx, next) : next()
  }
}
