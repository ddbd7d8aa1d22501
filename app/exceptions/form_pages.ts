import { urlFor } from '@adonisjs/core/services/url_builder'
import type { HttpContext } from '@adonisjs/core/http'

type FormPage = { route: string; params?: string[]; hash?: string }

/**
 * Where a form goes back to when its input is refused, by the name of the
 * route it posts to. A form that posts to its own page's path needs no entry.
 */
const FORM_PAGES: Record<string, FormPage> = {}

/** Declares the page (and section) a form returns to when its input is refused. */
export function formPage(postRoute: string, page: FormPage) {
  FORM_PAGES[postRoute] = page
}

/** Fields never flashed back into a form (sessions live in Redis): secrets and one-time values. */
export const NOT_FLASHED = [
  '_csrf',
  '_method',
  'password',
  'password_confirmation',
  'current_password',
  'current_password_email',
  'altcha',
  'code',
  'totp',
]

/** The page the refused form is shown on again. */
export function formPageUrl(ctx: HttpContext) {
  const name = ctx.route?.name
  const page = name ? FORM_PAGES[name] : undefined
  if (!page) return ctx.request.url()
  const params = Object.fromEntries((page.params ?? []).map((key) => [key, ctx.params[key]]))
  const url = urlFor(page.route as any, params as any)
  return page.hash ? `${url}#${page.hash}` : url
}
