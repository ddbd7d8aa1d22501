import env from '#start/env'
import app from '@adonisjs/core/services/app'
import type { HttpContext } from '@adonisjs/core/http'
import { demoMode } from '#config/app'
import { readMailDir } from '#demo/smtp_sink'

/** The demo's mail viewer: what the local SMTP sink received. Exists in demo mode only. */
export default class DemoMailsController {
  async index({ view, response }: HttpContext) {
    if (!demoMode) return response.notFound()
    const mails = await readMailDir(this.dir())
    return view.render('pages/demo/mails', { mails })
  }

  async show({ params, view, response }: HttpContext) {
    if (!demoMode || !/^[\w-]+$/.test(params.id)) return response.notFound()
    const mails = await readMailDir(this.dir(), 500)
    const mail = mails.find((entry) => entry.id === params.id)
    if (!mail) return response.notFound()
    return view.render('pages/demo/mail', { mail })
  }

  private dir() {
    return app.makePath(env.get('DEMO_MAIL_DIR', 'storage/demo-mails'))
  }
}
