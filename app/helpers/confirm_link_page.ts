import type { HttpContext } from '@adonisjs/core/http'

/**
 * The page a mailed confirmation link opens (registration, new e-mail address, bank-account
 * change): only a button whose POST confirms, so a mail scanner that opens every link
 * confirms nothing. A link that is no longer valid gets its flow's own „invalid“ page (410).
 * Never cached, never sent on as a referrer (the token is in the path).
 */
export function confirmLinkPage(
  { response, view, i18n }: Pick<HttpContext, 'response' | 'view' | 'i18n'>,
  options: {
    valid: boolean
    /** the i18n keys of the page's title, text and button */
    keys: { title: string; text: string; button: string }
    /** where the button posts to */
    action: string
    invalid: { view: string; data: Record<string, unknown> }
  }
) {
  response.header('Referrer-Policy', 'no-referrer')
  response.header('Cache-Control', 'no-store')
  if (!options.valid) {
    response.status(410)
    return view.render(options.invalid.view, options.invalid.data)
  }
  return view.render('pages/shared/confirm_link', {
    title: i18n.t(options.keys.title),
    text: i18n.t(options.keys.text),
    button: i18n.t(options.keys.button),
    action: options.action,
  })
}
