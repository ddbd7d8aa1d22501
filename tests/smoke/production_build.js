#!/usr/bin/env node
/*
| Smoke test of the production bundle, as an operator runs it: `build/` (after
| `node ace build` and `cd build && npm ci --omit=dev`), NODE_ENV=production,
| its own MariaDB, Redis and SMTP sink on free ports. Migrates, loads the demo
| data, starts `node bin/server.js` and a worker from build/, then checks:
| health, the login page in German, a login, an ingest call and a rendered
| invoice (PDF downloaded by the merchant). `.ci/run` runs it after the build,
| so a broken production build fails CI.
|
|   node tests/smoke/production_build.js
*/
import { execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { SMTPServer } from 'smtp-server'
import {
  createAppDatabase,
  freePort,
  sleep,
  startMariaDb,
  startRedis,
  stopChild,
} from '../../bin/lib/local_services.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
/* BUILD_DIR: another bundle than ./build (e.g. a copy made elsewhere) */
const BUILD = process.env.BUILD_DIR ?? join(ROOT, 'build')
const run = promisify(execFile)
const results = []
const cleanups = []

function check(name, ok, detail = '') {
  results.push({ name, ok })
  console.log(`${ok ? '✔' : '✖'} ${name}${ok || !detail ? '' : `: ${detail}`}`)
}

/** A process of the build, its output kept for the report. */
function startBuildProcess(args, env) {
  const child = spawn(process.execPath, args, {
    cwd: BUILD,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const keep = (chunk) => (output = (output + chunk).slice(-20_000))
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  cleanups.push(() => stopChild(child, 15_000))
  return { child, output: () => output }
}

/** A cookie-keeping client with the CSRF token of the last page it read. */
class Browser {
  cookies = new Map()
  constructor(base) {
    this.base = base
  }
  async request(path, { method = 'GET', form } = {}) {
    const headers = { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') }
    let body
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded'
      body = new URLSearchParams(form).toString()
    }
    const response = await fetch(this.base + path, { method, headers, body, redirect: 'manual' })
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';')
      const index = pair.indexOf('=')
      this.cookies.set(pair.slice(0, index), pair.slice(index + 1))
    }
    return response
  }
}

async function main() {
  if (!existsSync(join(BUILD, 'bin', 'server.js'))) {
    console.error('smoke test: build/ is missing: run `node ace build` first')
    process.exit(1)
  }
  if (!existsSync(join(BUILD, 'node_modules', '@adonisjs', 'core'))) {
    console.error('smoke test: build/node_modules is missing: run `cd build && npm ci --omit=dev`')
    process.exit(1)
  }
  const work = mkdtempSync(join(tmpdir(), 'kp-smoke-'))
  cleanups.push(() => rmSync(work, { recursive: true, force: true }))

  const [mariadb, redis] = await Promise.all([
    startMariaDb({ dir: join(work, 'mariadb'), args: ['--skip-log-bin'] }),
    startRedis({ cwd: work }),
  ])
  cleanups.push(
    () => mariadb.stop(),
    () => redis.stop()
  )
  createAppDatabase(mariadb, { database: 'kundenportal_smoke' })

  const mails = []
  const smtpPort = await freePort()
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      let text = ''
      stream.on('data', (chunk) => (text += chunk))
      stream.on('end', () => {
        mails.push(text)
        callback()
      })
    },
  })
  await new Promise((resolve) => smtp.listen(smtpPort, '127.0.0.1', resolve))
  cleanups.push(() => new Promise((resolve) => smtp.close(resolve)))

  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    APP_URL: base,
    APP_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'info',
    DB_CONNECTION: 'mysql',
    DB_HOST: '127.0.0.1',
    DB_PORT: String(mariadb.port),
    DB_USER: 'kundenportal',
    DB_PASSWORD: 'kundenportal',
    DB_DATABASE: 'kundenportal_smoke',
    REDIS_HOST: '127.0.0.1',
    REDIS_PORT: String(redis.port),
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(smtpPort),
    MAIL_FROM: 'Kundenportal <kundenportal@example.com>',
    CHROMIUM_PATH: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    REGISTRATION_APPROVAL: 'auto',
    SUPPORT_PHONE: '069 6630 55 00',
    ALTCHA_COST: '1000',
    INVOICE_STORAGE_PATH: join(work, 'invoices'),
  }
  const ace = (...args) => run(process.execPath, ['ace.js', ...args], { cwd: BUILD, env })

  await ace('migration:run', '--force')
  const seeded = JSON.parse((await ace('demo:seed', '--json')).stdout.trim().split('\n').pop())
  const merchant = seeded.logins.merchant
  const token = (await ace('api:token', 'smoke')).stdout.match(/[A-Za-z0-9_-]{32,}/)?.[0]
  check('migrated, seeded and issued an API token from build/', Boolean(merchant && token))

  const web = startBuildProcess(['bin/server.js'], env)
  const worker = startBuildProcess(['ace.js', 'queue:work'], env)
  let healthy = false
  for (let i = 0; i < 120 && !healthy; i++) {
    healthy = await fetch(`${base}/health`).then(
      (r) => r.ok,
      () => false
    )
    if (!healthy) await sleep(250)
  }
  check('GET /health answers 200', healthy, web.output())
  if (!healthy) return

  const browser = new Browser(base)
  const loginPage = await browser.request('/login')
  const loginHtml = await loginPage.text()
  check(
    'the login page is German',
    loginPage.status === 200 && loginHtml.includes('lang="de"') && loginHtml.includes('Anmelden'),
    `status ${loginPage.status}`
  )
  const csrf = loginHtml.match(/name=['"]_csrf['"] value=['"]([^'"]+)['"]/)?.[1]
  const login = await browser.request('/login', {
    method: 'POST',
    form: { _csrf: csrf, email: merchant.email, password: merchant.password },
  })
  const dashboard = await browser.request('/')
  check(
    'the demo merchant logs in and sees the dashboard',
    login.status === 302 && dashboard.status === 200,
    `login ${login.status} → ${login.headers.get('location')}, dashboard ${dashboard.status}`
  )

  const reference = `smoke-${Date.now().toString(36)}` /* no 13-digit run: it could pass the Luhn check */
  const ingest = await fetch(`${base}/api/v1/transactions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'authorization': `Bearer ${token}` },
    body: JSON.stringify({
      transactions: [
        {
          reference,
          terminal_id: seeded.registration?.terminalId ?? '10000001',
          occurred_at: new Date().toISOString(),
          type: 'sale',
          status: 'approved',
          amount_minor: 1234,
          currency: 'EUR',
          card_brand: 'girocard',
          pan_masked: '672000******1234',
          auth_code: '123456',
          receipt_number: '4711',
        },
      ],
    }),
  })
  const ingested = await ingest.json().catch(() => ({}))
  check(
    'an ingest call is accepted',
    ingest.ok && JSON.stringify(ingested).includes('created'),
    `${ingest.status} ${JSON.stringify(ingested).slice(0, 300)}`
  )

  /* the previous month's invoice run (demo:seed issues none), rendered by the worker */
  const month = new Date()
  month.setUTCDate(1)
  month.setUTCMonth(month.getUTCMonth() - 1)
  const period = month.toISOString().slice(0, 7)
  await ace('invoices:run', '--period', period)
  let pdf
  for (let i = 0; i < 240 && !pdf; i++) {
    const page = await (await browser.request('/invoices')).text()
    const ids = [...page.matchAll(/\/invoices\/(\d+)\/pdf/g)].map((m) => Number(m[1]))
    for (const id of ids.sort((a, b) => b - a)) {
      const response = await browser.request(`/invoices/${id}/pdf`)
      const bytes = Buffer.from(await response.arrayBuffer())
      if (response.ok && bytes.subarray(0, 5).toString() === '%PDF-') {
        pdf = bytes
        break
      }
    }
    if (!pdf) await sleep(500)
  }
  check(
    'the worker renders an invoice the merchant downloads as PDF',
    Boolean(pdf),
    worker.output()
  )
  /* the invoice mail leaves after the PDF is stored: give the queue a moment */
  for (let i = 0; i < 60 && mails.length === 0; i++) await sleep(500)
  check('the worker sent mail through SMTP', mails.length > 0, `${mails.length} mails`)
}

let failed = false
try {
  await main()
} catch (error) {
  failed = true
  console.error(error)
} finally {
  for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => {})
}
const passed = results.filter((r) => r.ok).length
const failedCount = results.length - passed + (failed ? 1 : 0)
console.log(`${passed} passed, ${failedCount} failed`)
process.exit(failedCount ? 1 : 0)
