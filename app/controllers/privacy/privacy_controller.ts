import type { HttpContext } from '@adonisjs/core/http'
import { DataExportService } from '#services/privacy/data_export_service'
import { ErasureService } from '#services/privacy/erasure_service'

/** „Meine Daten“ (/account/privacy): the export's state and „Konto löschen“. */
export default class PrivacyController {
  async show({ auth, view }: HttpContext) {
    const user = auth.use('web').user!
    return view.render('pages/privacy/show', {
      user,
      latest: await DataExportService.latest(user),
      lastOwned: await ErasureService.lastOwnedCustomers(user.id),
    })
  }
}
