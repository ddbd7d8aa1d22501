/*
| Screenshots of the main pages for the docs (docs/screenshots/<page>-<lang>-<width>.png):
| login, dashboard, transactions, invoices, account and the admin dashboard, in German and
| English, at 1280×800 (desktop) and 390×844 (phone), with the demo data.
|
|   node --import=@poppinss/ts-exec scripts/screenshots.ts --start
|       starts its own demo (`npm run demo` in a copy of the project under tmp/, free ports,
|       its own Redis and SQLite), takes the pictures and stops it again. Nothing in the
|       working tree changes except docs/screenshots/.
|   node --import=@poppinss/ts-exec scripts/screenshots.ts
|       against a demo that already runs (`npm run demo`), at SCREENSHOT_URL (default
|       http://localhost:3333). The merchant password is derived from APP_KEY in .env, as the
|       demo's banner prints it (or set DEMO_MERCHANT_PASSWORD). The admin dashboard is taken
|       only with DEMO_SUPPORT_PASSWORD and DEMO_SUPPORT_TOTP_SECRET (the script never enrols
|       your demo's support login in a second factor of its own).
|
| Chromium: /usr/bin/chromium (CHROMIUM_PATH), launched by Playwright as tests/bootstrap.ts does.
*/
import { spawn, type ChildProcess } from 'node:child_process'
import { cp, mkdir, readFile, rm, symlink } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright'
import { generate } from 'otplib'
import { DEMO_MERCHANT_EMAIL, DEMO_SUPPORT_EMAIL, demoPasswords } from '#demo/demo_logins'

const ROOT = fileURLToPath(new URL('../', import.meta.url))
const OUT = join(ROOT, 'docs/screenshots')
const LANGS = ['de', 'en'] as const
const SIZES = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
]
/* the flags of the PDF renderer (app/services/pdf/pdf_renderer.ts), minus --headless */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]
/* what a `npm run demo` needs from the project (node_modules is linked) */
const COPY = ['ace.js', 'adonisrc.ts', 'package.json', 'tsconfig.json', '.env.example']
const COPY_DIRS = [
  'app',
  'bin',
  'commands',
  'config',
  'database',
  'demo',
  'providers',
  'public',
  'resources',
  'start',
]

type Logins = {
  merchantPassword: string
  support?: { password: string; totpSecret?: string; enrol: boolean }
}

function freePort() {
  return new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

async function appKeyOf(envFile: string) {
  const text = await readFile(envFile, 'utf8').catch(() => '')
  const key = text.match(/^APP_KEY=(.*)$/m)?.[1]?.trim()
  if (!key) throw new Error(`no APP_KEY in ${envFile}: set DEMO_MERCHANT_PASSWORD`)
  return key
}

/** `npm run demo` in a fresh copy of the project; resolves once its banner is out. */
async function startDemo() {
  const dir = join(ROOT, 'tmp/screenshots-demo')
  await rm(dir, { recursive: true, force: true })
  await mkdir(dir, { recursive: true })
  for (const file of COPY) await cp(join(ROOT, file), join(dir, file))
  for (const folder of COPY_DIRS)
    await cp(join(ROOT, folder), join(dir, folder), { recursive: true })
  await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir')

  const port = await freePort()
  const child = spawn(process.execPath, ['bin/demo.js'], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      SMTP_PORT: String(await freePort()),
      REDIS_HOST: '127.0.0.1',
      /* a port where no Redis answers: the demo starts (and stops) its own */
      REDIS_PORT: String(await freePort()),
      QUEUE_PREFIX: `kp-screenshots-${port}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`demo not up after 300 s:\n${output}`)),
      300_000
    )
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('demo is running')) {
        clearTimeout(timer)
        resolve()
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`demo exited (${code}) before it was up:\n${output}`))
    })
  })
  const passwords = demoPasswords(await appKeyOf(join(dir, '.env')))
  const logins: Logins = {
    merchantPassword: passwords.merchant,
    /* a fresh demo: the support login sets up its second factor at the first login */
    support: { password: passwords.support, enrol: true },
  }
  return { child, dir, url: `http://localhost:${port}`, logins }
}

async function stopDemo(child: ChildProcess) {
  if (child.exitCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
  await exited
  clearTimeout(timer)
}

async function runningDemoLogins(): Promise<Logins> {
  const merchantPassword =
    process.env.DEMO_MERCHANT_PASSWORD ?? demoPasswords(await appKeyOf(join(ROOT, '.env'))).merchant
  const { DEMO_SUPPORT_PASSWORD: password, DEMO_SUPPORT_TOTP_SECRET: totpSecret } = process.env
  return {
    merchantPassword,
    support: password && totpSecret ? { password, totpSecret, enrol: false } : undefined,
  }
}

/** Waits until the page has settled: loaded, charts drawn, fonts ready. */
async function settle(page: Page) {
  await page.waitForLoadState('load')
  if (await page.locator('#chart-daily').count()) {
    await page.waitForSelector('#chart-daily[data-chart-ready="true"]', { timeout: 10_000 })
  }
  await page.evaluate(() => (globalThis as any).document.fonts.ready)
  await page.waitForTimeout(300)
}

async function shoot(page: Page, name: string, lang: string) {
  for (const size of SIZES) {
    await page.setViewportSize(size)
    await settle(page)
    const file = join(OUT, `${name}-${lang}-${size.width}.png`)
    await page.screenshot({ path: file, animations: 'disabled' })
    console.log(`  ${file.slice(ROOT.length)}`)
  }
}

async function merchantPages(browser: Browser, url: string, lang: string, logins: Logins) {
  const context = await browser.newContext({
    baseURL: url,
    locale: lang === 'de' ? 'de-DE' : 'en-GB',
    extraHTTPHeaders: { 'Accept-Language': lang === 'de' ? 'de-DE,de;q=0.9' : 'en-GB,en;q=0.9' },
    reducedMotion: 'reduce',
  })
  const page = await context.newPage()
  await page.goto('/login')
  await shoot(page, 'login', lang)
  await page.setViewportSize(SIZES[0])
  await page.fill('#email', DEMO_MERCHANT_EMAIL)
  await page.fill('#password', logins.merchantPassword)
  await page.click('form[action="/login"] button[type="submit"]')
  await page.waitForURL((target) => target.pathname === '/')
  /* the login switches to the account's language (German in the demo): choose ours again,
     by the switch's cookie only, so the demo account keeps its own setting */
  await context.addCookies([{ name: 'kp_locale', value: lang, url }])
  for (const [name, path] of [
    ['dashboard', '/'],
    ['transactions', '/transactions'],
    ['invoices', '/invoices'],
    ['account', '/account'],
  ]) {
    await page.goto(path)
    await shoot(page, name, lang)
  }
  await context.close()
}

async function adminDashboard(browser: Browser, url: string, lang: string, logins: Logins) {
  const support = logins.support
  if (!support) return
  const context = await browser.newContext({
    baseURL: url,
    extraHTTPHeaders: { 'Accept-Language': lang === 'de' ? 'de-DE,de;q=0.9' : 'en-GB,en;q=0.9' },
  })
  const page = await context.newPage()
  await page.goto('/admin/login')
  await page.fill('#email', DEMO_SUPPORT_EMAIL)
  await page.fill('#password', support.password)
  await page.click('form[action="/admin/login"] button[type="submit"]')
  await page.waitForURL(/\/admin\/login\/(totp|enrol)$/)
  if (page.url().endsWith('/enrol')) {
    if (!support.enrol) throw new Error('the support login has no second factor yet')
    support.totpSecret = (await page.getAttribute('[data-secret]', 'data-secret'))!
    await page.fill('#code', await freshCode(support.totpSecret))
    await page.click('form[action="/admin/login/enrol"] button[type="submit"]')
    await page.waitForURL(/\/admin\/recovery-codes$/)
    await page.goto('/admin')
  } else {
    await page.fill('#code', await freshCode(support.totpSecret!))
    await page.click('form[action="/admin/login/totp"] button[type="submit"]')
    await page.waitForURL(/\/admin$/)
  }
  await shoot(page, 'admin-dashboard', lang)
  await context.close()
}

/* the portal takes each TOTP time step once: wait for a new step after a use */
let lastStep = 0
async function freshCode(secret: string) {
  let step = Math.floor(Date.now() / 30_000)
  if (step <= lastStep) {
    await new Promise((resolve) => setTimeout(resolve, (lastStep + 1) * 30_000 - Date.now() + 500))
    step = Math.floor(Date.now() / 30_000)
  }
  lastStep = step
  return generate({ secret, epoch: step * 30 })
}

async function main() {
  const start = process.argv.includes('--start')
  const demo = start ? await startDemo() : undefined
  const url = demo?.url ?? process.env.SCREENSHOT_URL ?? 'http://localhost:3333'
  const logins = demo?.logins ?? (await runningDemoLogins())
  const browser = await chromium.launch({
    headless: true,
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  })
  try {
    await mkdir(OUT, { recursive: true })
    console.log(`Screenshots of ${url}:`)
    for (const lang of LANGS) {
      await merchantPages(browser, url, lang, logins)
      await adminDashboard(browser, url, lang, logins)
    }
  } finally {
    await browser.close()
    if (demo) {
      await stopDemo(demo.child)
      await rm(demo.dir, { recursive: true, force: true })
    }
  }
}

await main()
