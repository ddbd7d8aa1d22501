/*
| `npm run demo`: the whole portal on one machine, from a fresh clone.
|
| Creates .env (with a fresh APP_KEY) when missing, uses SQLite, migrates, loads
| the demo data into an empty database, starts Redis when none answers, a local
| SMTP sink whose mails show at /demo/mails, the web server, the worker and (when
| present) the transaction simulator. Ctrl-C stops everything it started.
|
| No process outlives the demo, however it ends: every child gets a stdin pipe
| that closes when this process dies (SIGKILL included) and watches it
| (KP_EXIT_WITH_PARENT=1 for the app's own processes, bin/exit_with_parent.js
| around redis-server).
|
| Plain JavaScript on purpose: it must run (and explain itself) before the
| TypeScript loader and Node 24 are known to be there.
*/
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { delimiter, join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../', import.meta.url))
const GRACE_MS = 15_000
const children = []
let shuttingDown = false
let sink

function say(message = '') {
  process.stdout.write(`${message}\n`)
}

/* Prints why the demo cannot go on, stops what it started, exits non-zero. */
function fail(message) {
  process.stderr.write(`\n${message}\n\n`)
  for (const entry of children) if (!entry.exited) signal(entry, 'SIGTERM')
  process.exit(1)
}

/* ---------- preconditions ---------- */

const nodeMajor = Number(process.versions.node.split('.')[0])
if (nodeMajor < 24) {
  fail(
    `The Kundenportal needs Node.js 24 or newer; this is Node ${process.versions.node}.\n` +
      'Install it (e.g. `npm install --prefix /opt/node24 node@24` and put\n' +
      '/opt/node24/node_modules/.bin first in PATH, or use nvm/fnm), then run `npm run demo` again.'
  )
}
if (!existsSync(join(ROOT, 'node_modules/@adonisjs/core'))) {
  fail('The dependencies are missing: run `npm install` first, then `npm run demo`.')
}

/* ---------- configuration ---------- */

function parseEnvFile(file) {
  const values = {}
  if (!existsSync(file)) return values
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const match = line.match(/^\s*([A-Z0-9_]+)\s*=\s*(.*)\s*$/)
    if (!match) continue
    values[match[1]] = match[2].replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1')
  }
  return values
}

/** Creates .env from .env.example with a fresh APP_KEY, or fills an empty APP_KEY. */
function ensureEnvFile() {
  const envFile = join(ROOT, '.env')
  const key = randomBytes(32).toString('base64url')
  if (!existsSync(envFile)) {
    const example = readFileSync(join(ROOT, '.env.example'), 'utf8')
    const text = example
      .replace(/^APP_KEY=.*$/m, `APP_KEY=${key}`)
      .replace(/^DEMO_MODE=.*$/m, 'DEMO_MODE=true')
    writeFileSync(envFile, text, { mode: 0o600 })
    say('Created .env from .env.example with a new APP_KEY (demo mode on).')
    return
  }
  const text = readFileSync(envFile, 'utf8')
  if (/^APP_KEY=\s*$/m.test(text) || !/^APP_KEY=/m.test(text)) {
    const updated = /^APP_KEY=/m.test(text)
      ? text.replace(/^APP_KEY=\s*$/m, `APP_KEY=${key}`)
      : `${text.trimEnd()}\nAPP_KEY=${key}\n`
    writeFileSync(envFile, updated)
    say('Wrote a new APP_KEY into .env.')
  }
}

ensureEnvFile()
const fileEnv = parseEnvFile(join(ROOT, '.env'))
const setting = (name, fallback) => process.env[name] || fileEnv[name] || fallback

const port = Number(setting('PORT', '3333'))
const smtpPort = Number(setting('SMTP_PORT', '2525'))
const redisHost = setting('REDIS_HOST', '127.0.0.1')
const redisPort = Number(setting('REDIS_PORT', '6379'))
const mailDir = resolve(ROOT, setting('DEMO_MAIL_DIR', 'storage/demo-mails'))
const sqliteFile = setting('SQLITE_FILE', 'storage/demo.sqlite3')
const appUrl = process.env.APP_URL || `http://localhost:${port}`

/* Environment variables win over .env in AdonisJS: the demo pins what it needs. */
const childEnv = {
  ...process.env,
  NODE_ENV: 'development',
  PORT: String(port),
  APP_URL: appUrl,
  DB_CONNECTION: 'sqlite',
  SQLITE_FILE: sqliteFile,
  SMTP_HOST: '127.0.0.1',
  SMTP_PORT: String(smtpPort),
  DEMO_MODE: 'true',
  DEMO_MAIL_DIR: mailDir,
  KP_EXIT_WITH_PARENT: '1',
}
mkdirSync(resolve(ROOT, sqliteFile, '..'), { recursive: true })

/* ---------- processes ---------- */

function prefixLines(stream, label, target) {
  createInterface({ input: stream }).on('line', (line) => target.write(`[${label}] ${line}\n`))
}

/**
 * Starts a child in its own process group, so Ctrl-C reaches only this script,
 * which then stops the children in order (SIGTERM, SIGKILL after a grace period).
 * Its stdin is a pipe nobody writes to: it closes when this process dies.
 */
function start(label, command, args, options = {}) {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: childEnv,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  const entry = { label, child, essential: options.essential ?? true, exited: false }
  prefixLines(child.stdout, label, process.stdout)
  prefixLines(child.stderr, label, process.stderr)
  child.on('exit', (code, signal) => {
    entry.exited = true
    if (shuttingDown) return
    if (entry.essential) {
      process.stderr.write(`\n[${label}] stopped unexpectedly (${signal ?? `exit ${code}`}).\n`)
      shutdown(1)
    }
  })
  child.on('error', (error) => {
    entry.exited = true
    if (!shuttingDown) {
      process.stderr.write(`[${label}] could not start: ${error.message}\n`)
      if (entry.essential) shutdown(1)
    }
  })
  children.push(entry)
  return entry
}

/**
 * Runs `node ace <args>` to the end and returns its stdout. With `doneWhen`, the
 * command counts as finished when its output matches (then it is stopped):
 * `node ace codegen` writes its files but does not exit by itself.
 */
function ace(args, { quiet = false, doneWhen } = {}) {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, ['ace', ...args], {
      cwd: ROOT,
      env: childEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (chunk) => {
      out += chunk
      if (!quiet) process.stdout.write(chunk)
      if (doneWhen?.test(out)) {
        child.removeAllListeners('exit')
        child.kill('SIGKILL')
        done(out)
      }
    })
    child.stderr.on('data', (chunk) => (err += chunk))
    child.on('error', reject)
    child.on('exit', (code) =>
      code === 0
        ? done(out)
        : reject(new Error(`node ace ${args.join(' ')} failed (exit ${code}):\n${err || out}`))
    )
  })
}

function aceCommandExists(fileBase) {
  return ['ts', 'js'].some((ext) => existsSync(join(ROOT, 'commands', `${fileBase}.${ext}`)))
}

/** Stops every child: SIGTERM to its process group, SIGKILL after the grace period. */
async function shutdown(code = 0) {
  if (shuttingDown) return
  shuttingDown = true
  say('\nStopping the demo …')
  const running = children.filter((entry) => !entry.exited).reverse()
  /* web, worker and simulator first; Redis last so they can close cleanly */
  const redis = running.filter((entry) => entry.label === 'redis')
  const apps = running.filter((entry) => entry.label !== 'redis')
  await stopAll(apps)
  if (sink) await sink.stop().catch(() => {})
  await stopAll(redis)
  say('Demo stopped.')
  process.exit(code)
}

async function stopAll(entries) {
  await Promise.all(
    entries.map(
      (entry) =>
        new Promise((done) => {
          if (entry.exited) return done()
          const timer = setTimeout(() => {
            say(`[${entry.label}] did not stop within ${GRACE_MS / 1000} s: killing it`)
            signal(entry, 'SIGKILL')
          }, GRACE_MS)
          entry.child.once('exit', () => {
            clearTimeout(timer)
            done()
          })
          signal(entry, 'SIGTERM')
        })
    )
  )
}

function signal(entry, name) {
  try {
    process.kill(-entry.child.pid, name)
  } catch {
    try {
      entry.child.kill(name)
    } catch {
      /* already gone */
    }
  }
}

process.on('SIGINT', () => {
  if (shuttingDown) {
    for (const entry of children) if (!entry.exited) signal(entry, 'SIGKILL')
    process.exit(130)
  }
  shutdown(0)
})
process.on('SIGTERM', () => shutdown(0))
/* the terminal went away: don't leave the detached children behind */
process.on('SIGHUP', () => shutdown(0))

/* ---------- Redis ---------- */

function redisAnswers() {
  return new Promise((done) => {
    const socket = connect({ host: redisHost, port: redisPort })
    const finish = (ok) => {
      socket.destroy()
      done(ok)
    }
    socket.setTimeout(1000, () => finish(false))
    socket.on('error', () => finish(false))
    socket.on('connect', () => socket.write('PING\r\n'))
    socket.on('data', (data) => finish(/^(\+PONG|-NOAUTH)/.test(data.toString())))
  })
}

function findBinary(name) {
  const dirs = [
    ...(process.env.PATH ?? '').split(delimiter),
    '/usr/bin',
    '/usr/sbin',
    '/usr/local/bin',
  ]
  return dirs.map((dir) => join(dir, name)).find((file) => existsSync(file))
}

async function ensureRedis() {
  if (await redisAnswers()) return say(`Redis answers on ${redisHost}:${redisPort}.`)
  const local = ['127.0.0.1', 'localhost', '::1'].includes(redisHost)
  const binary = findBinary('redis-server')
  if (!local) {
    fail(
      `No Redis answers on ${redisHost}:${redisPort}.\n` +
        'Start it there, or remove REDIS_HOST to use (or start) a local Redis.'
    )
  }
  if (!binary) {
    fail(
      `No Redis answers on ${redisHost}:${redisPort} and redis-server is not installed.\n` +
        'Install it, e.g. on Debian/Ubuntu: `sudo apt-get install redis-server`\n' +
        '(macOS: `brew install redis`), then run `npm run demo` again.'
    )
  }
  say(`No Redis on port ${redisPort}: starting ${binary} (in memory, stops with the demo).`)
  /* redis-server cannot watch a pipe: the guard ends it when the demo dies */
  start('redis', process.execPath, [
    join(ROOT, 'bin/exit_with_parent.js'),
    binary,
    '--port',
    String(redisPort),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--daemonize',
    'no',
    '--loglevel',
    'warning',
  ])
  for (let i = 0; i < 50; i++) {
    if (await redisAnswers()) return
    await new Promise((done) => setTimeout(done, 200))
  }
  fail('redis-server was started but does not answer; see the [redis] lines above.')
}

/* ---------- the demo ---------- */

/** True when nothing listens on the web port yet (the web server logs EADDRINUSE but stays up). */
function portIsFree() {
  return new Promise((done) => {
    const probe = createServer()
    probe.once('error', () => done(false))
    probe.listen(port, setting('HOST', 'localhost'), () => probe.close(() => done(true)))
  })
}

async function waitForWeb() {
  for (let i = 0; i < 120 && !shuttingDown; i++) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health`)
      if (response.status < 500) return true
    } catch {
      try {
        const response = await fetch(`http://localhost:${port}/health`)
        if (response.status < 500) return true
      } catch {
        /* not listening yet */
      }
    }
    await new Promise((done) => setTimeout(done, 500))
  }
  return false
}

/**
 * Hook for the invoice engine: three past months of invoices for fresh demo data.
 * Runs before the web server and the worker start, in one process (`--sync`):
 * SQLite has a single writer, and long invoice transactions next to a busy
 * worker would only run into "database is locked". Their mails wait in the
 * queue until the worker starts.
 */
async function runInvoiceHook(summary) {
  if (!aceCommandExists('invoices_run') || summary.invoiceCount > 0) return
  say('Generating invoices for the three previous months …')
  const now = new Date()
  for (let back = 3; back >= 1; back--) {
    const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1))
    const period = month.toISOString().slice(0, 7)
    try {
      const output = await ace(['invoices:run', '--period', period, '--sync'], { quiet: true })
      const line = output.split('\n').find((entry) => entry.includes('Invoice run'))
      say(`[invoices] ${line ? line.replace(/^.*?(Invoice run)/, '$1') : `${period} done`}`)
    } catch (error) {
      process.stderr.write(`[invoices] ${error.message}\n`)
    }
  }
}

const CHANGED = '(geändert / changed since the demo was set up)'

function banner(summary) {
  const line = '─'.repeat(72)
  const { merchant, support } = summary.logins
  say(`\n${line}`)
  say('  Kundenportal – Demo läuft / demo is running')
  say(line)
  say(`  Portal (Deutsch, English über den Sprachschalter):  ${appUrl}`)
  if (merchant) {
    say(`  Händler-Login / merchant:  ${merchant.email}`)
    say(`                 Passwort:  ${merchant.password ?? CHANGED}   (Kunden L1000001, L1000002)`)
  }
  if (support) {
    say(`  Support-Login / staff:     ${appUrl}/admin`)
    say(`                             ${support.email}`)
    say(
      `                 Passwort:  ${support.password ?? CHANGED}   (TOTP-Einrichtung beim ersten Login)`
    )
  }
  if (summary.registration) {
    say(
      `  Registrierung testen:      Kundennummer ${summary.registration.customerNumber}, Terminal-ID ${summary.registration.terminalId}`
    )
  }
  say(`  Mails (Demo-Postfach):     ${appUrl}/demo/mails`)
  say(`  Datenbank:                 SQLite ${sqliteFile}`)
  say('  Beenden / stop:            Ctrl-C')
  say(`${line}\n`)
}

async function main() {
  say('Kundenportal demo: preparing …')
  if (!(await portIsFree())) {
    fail(
      `Port ${port} is in use. Start the demo on another one, e.g. PORT=${port + 1} npm run demo`
    )
  }
  await ensureRedis()

  await ace(['codegen'], { quiet: true, doneWhen: /Codegen files generated/ })
  await ace(['migration:run', '--force'], { quiet: true })
  say('Database migrated (SQLite).')
  const seedOutput = await ace(['demo:seed', '--json'], { quiet: true })
  const summary = JSON.parse(seedOutput.trim().split('\n').pop())
  say(
    summary.seeded
      ? `Demo data loaded in ${summary.seconds} s: ${summary.customers} customers, ${summary.terminals} terminals, ${summary.transactions} transactions.`
      : 'The database already holds data: kept as it is.'
  )
  await runInvoiceHook(summary)

  await import('@poppinss/ts-exec')
  const { SmtpSink } = await import('../demo/smtp_sink.js')
  sink = new SmtpSink({ port: smtpPort, host: '127.0.0.1', dir: mailDir })
  try {
    await sink.start()
  } catch (error) {
    sink = undefined
    fail(
      `The local SMTP sink cannot listen on port ${smtpPort}: ${error.message}\nSet SMTP_PORT to a free port.`
    )
  }
  sink.on('mail', (mail) =>
    say(`[mail] received „${mail.parsed.subject}“ → ${mail.parsed.to?.text ?? ''}`)
  )

  start('web', process.execPath, ['--import=@poppinss/ts-exec', 'bin/server.ts'])
  start('worker', process.execPath, ['ace', 'queue:work'])
  if (!(await waitForWeb())) {
    if (!shuttingDown) {
      process.stderr.write(`The web server did not answer on port ${port} within 60 s.\n`)
      await shutdown(1)
    }
    return
  }
  if (aceCommandExists('transactions_simulate')) {
    start('simulate', process.execPath, ['ace', 'transactions:simulate', '--rate', '0.5'], {
      essential: false,
    })
  }
  banner(summary)
}

main().catch(async (error) => {
  process.stderr.write(`\n${error.message}\n`)
  await shutdown(1)
})
