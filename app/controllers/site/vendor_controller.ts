import { createReadStream } from 'node:fs'
import app from '@adonisjs/core/services/app'
import type { HttpContext } from '@adonisjs/core/http'

export default class VendorController {
  /** chart.js's UMD build from node_modules, served from our own origin. */
  async chart({ response }: HttpContext) {
    response.header('Content-Type', 'text/javascript; charset=utf-8')
    response.header('Cache-Control', 'public, max-age=86400')
    return response.stream(
      createReadStream(app.makePath('node_modules/chart.js/dist/chart.umd.min.js'))
    )
  }
}
