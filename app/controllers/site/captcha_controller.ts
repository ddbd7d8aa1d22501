import { createReadStream } from 'node:fs'
import app from '@adonisjs/core/services/app'
import { Exception } from '@adonisjs/core/exceptions'
import type { HttpContext } from '@adonisjs/core/http'
import { AltchaService } from '#services/security/altcha_service'

/* The widget's files, served from our own origin (strict CSP, no CDN). */
const VENDOR_FILES: Record<string, { path: string; type: string }> = {
  'altcha.js': { path: 'node_modules/altcha/dist/external/altcha.min.js', type: 'text/javascript' },
  'altcha.css': { path: 'node_modules/altcha/dist/external/altcha.css', type: 'text/css' },
  'sha-worker.js': { path: 'node_modules/altcha/dist/workers/sha.js', type: 'text/javascript' },
}

export default class CaptchaController {
  /** A new proof-of-work challenge (never cached). */
  async challenge({ response }: HttpContext) {
    response.header('Cache-Control', 'no-store')
    return response.json(await AltchaService.challenge())
  }

  /** One of the widget's files; any other name is not found. */
  async asset({ params, response }: HttpContext) {
    const file = Object.hasOwn(VENDOR_FILES, params.file) ? VENDOR_FILES[params.file] : undefined
    if (!file) throw new Exception('Not found', { status: 404, code: 'E_ROUTE_NOT_FOUND' })
    response.header('Content-Type', `${file.type}; charset=utf-8`)
    response.header('Cache-Control', 'public, max-age=86400')
    return response.stream(createReadStream(app.makePath(file.path)))
  }
}
