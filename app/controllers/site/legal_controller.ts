import type { HttpContext } from '@adonisjs/core/http'
import { loadTermsText } from '#services/site/terms_text'

export default class LegalController {
  /** The AGB: the operator's own text when configured, else the marked placeholder. */
  async terms({ view, i18n }: HttpContext) {
    return view.render('pages/site/agb', { terms: await loadTermsText(i18n.locale) })
  }
}
