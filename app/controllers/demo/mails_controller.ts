import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { Exception } from '@adonisjs/core/exceptions'
import type { HttpContext } from '@adonisjs/core/http'
import { demoMode } from '#config/app'
import { readMailDir } from '#demo/smtp_sink'

/** The 404 page, for every path of the viewer outside demo mode and for an unknown mail. */
function notFound() {
  return new Exception('Not found', { status: 404, code: 'E_NOT_FOUND' })
}

/** The demo's mail viewer: what the local SMTP sink received. Exists in demo mode only. */
export default class DemoMailsController {
  async index({ view }: HttpContext) {
    if (!demoMode) throw notFound()
    const mails = await readMailDir(this.dir())
    return view.render('pages/demo/mails', { mails })
  }

  async show({ params, view }: HttpContext) {
    if (!demoMode || !/^[\w-]+$/.test(params.id)) throw notFound()
    const mails = await readMailDir(this.dir(), 500)
    const mail = mails.find((entry) => entry.id === params.id)
    if (!mail) throw notFound()
    return view.render('pages/demo/mail', { mail })
  }

  private dir() {
    return app.makePath(env.get('DEMO_MAIL_DIR', 'storage/demo-mails'))
  }
}
