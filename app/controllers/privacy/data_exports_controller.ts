import type { HttpContext } from '@adonisjs/core/http'
import { Exception } from '@adonisjs/core/exceptions'
import { urlFor } from '@adonisjs/core/services/url_builder'
import { exportTokenValidator } from '#validators/privacy'
import { DataExportService } from '#services/privacy/data_export_service'

/** „Meine Daten herunterladen“: start the ZIP; the mailed single-use link. */
export default class DataExportsController {
  async store({ auth, response, session, i18n }: HttpContext) {
    const { created } = await DataExportService.request(auth.use('web').user!)
    session.flash(
      created ? 'success' : 'info',
      i18n.t(created ? 'privacy.export.requested' : 'privacy.export.already_running')
    )
    return response.redirect(urlFor('privacy.show') + '#export')
  }

  /**
   * The link from the mail, behind the login (logged out: login, then back here).
   * Another user's or an unknown token: 404. Used or expired: a page that says so.
   */
  async download({ auth, request, params, response, view }: HttpContext) {
    const { token } = await request.validateUsing(exportTokenValidator, { data: params })
    const outcome = await DataExportService.download(auth.use('web').user!, token)
    if (outcome.result === 'not_found') {
      throw new Exception('Not found', { status: 404, code: 'E_NOT_FOUND' })
    }
    if (outcome.result !== 'ok') {
      response.status(410)
      return view.render('pages/privacy/link_invalid', { reason: outcome.result })
    }
    response.header('Content-Type', 'application/zip')
    response.header('Content-Length', String(outcome.size))
    response.header('Content-Disposition', `attachment; filename="${outcome.filename}"`)
    response.header('Cache-Control', 'no-store')
    return response.stream(DataExportService.stream(outcome.path))
  }
}
