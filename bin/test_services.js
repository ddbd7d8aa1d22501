#!/usr/bin/env node
/*
| `npm test`: runs the Japa suites (`node ace test`) against MariaDB and Redis
| instances of its own, so that a fresh clone needs nothing but the installed
| programs (Node 24, MariaDB, Redis, Chromium): a throw-away mariadbd and
| redis-server on free loopback ports, data under tmp/test-services/. The
| MariaDB data directory is kept between runs (the schema stays); a second run
| at the same time gets a temporary one. The suite's web server and SMTP sink
| get free ports too, so runs never meet the machine's own services or each
| other. Arguments go to `node ace test` (e.g. `npm test -- --files=health`).
|
| TEST_SERVICES=external uses the database and Redis that .env.test or the
| environment name instead (create them as the README's "Tests" shows).
*/
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  createAppDatabase,
  freePort,
  ServiceError,
  startMariaDb,
  startRedis,
} from './lib/local_services.js'

const ROOT = fileURLToPath(new URL('../', import.meta.url))
const SERVICES_DIR = join(ROOT, 'tmp', 'test-services')
const started = []
let dataDir

/** Prints one line saying what is missing and exits. */
function missing(what) {
  console.error(`npm test: ${what}`)
  process.exit(1)
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** tmp/test-services/mariadb when no other run holds it, else a temporary folder. */
function claimDataDir() {
  const dir = join(SERVICES_DIR, 'mariadb')
  const lock = join(SERVICES_DIR, 'mariadb.lock')
  try {
    writeFileSync(lock, String(process.pid), { flag: 'wx' })
    return { dir, lock, temporary: false }
  } catch {
    const holder = Number(readFileSync(lock, 'utf8'))
    if (!holder || !pidAlive(holder)) {
      writeFileSync(lock, String(process.pid))
      return { dir, lock, temporary: false }
    }
  }
  return { dir: mkdtempSync(join(SERVICES_DIR, 'mariadb-')), temporary: true }
}

let stopping
function stopServices() {
  stopping ??= Promise.allSettled(started.map((service) => service.stop())).then(() => {
    if (dataDir?.temporary) rmSync(dataDir.dir, { recursive: true, force: true })
    if (dataDir?.lock) rmSync(dataDir.lock, { force: true })
  })
  return stopping
}

function envTestValue(key) {
  const file = join(ROOT, '.env.test')
  if (!existsSync(file)) return undefined
  const match = new RegExp(`^${key}=(.*)$`, 'm').exec(readFileSync(file, 'utf8'))
  return match?.[1].replace(/^"(.*)"$/, '$1')
}

async function main() {
  const major = Number(process.versions.node.split('.')[0])
  if (major < 24) {
    missing(
      `Node.js 24 or newer is needed (this is ${process.version}); see README "Prerequisites"`
    )
  }
  if (!existsSync(join(ROOT, 'node_modules', '@adonisjs', 'core'))) {
    missing('the packages are not installed: run `npm install` first')
  }
  const chromium = process.env.CHROMIUM_PATH ?? envTestValue('CHROMIUM_PATH') ?? '/usr/bin/chromium'
  if (!existsSync(chromium)) {
    missing(`Chromium not found at ${chromium} (Debian: apt-get install chromium fonts-liberation)`)
  }

  const env = { ...process.env }
  if (process.env.TEST_SERVICES !== 'external') {
    mkdirSync(SERVICES_DIR, { recursive: true })
    dataDir = claimDataDir()
    const interrupted = () => stopServices().then(() => process.exit(130))
    process.once('SIGINT', interrupted)
    process.once('SIGTERM', interrupted)
    const [redis, mariadb, webPort, smtpPort] = await Promise.all([
      startRedis({ cwd: SERVICES_DIR }).then((service) => started[started.push(service) - 1]),
      startMariaDb({ dir: dataDir.dir, args: ['--skip-log-bin'] }).then(
        (service) => started[started.push(service) - 1]
      ),
      freePort(),
      freePort(),
    ])
    createAppDatabase(mariadb, { database: 'kundenportal_test' })
    Object.assign(env, {
      DB_CONNECTION: 'mysql',
      DB_HOST: '127.0.0.1',
      DB_PORT: String(mariadb.port),
      DB_USER: 'kundenportal',
      DB_PASSWORD: 'kundenportal',
      DB_DATABASE: 'kundenportal_test',
      REDIS_HOST: '127.0.0.1',
      REDIS_PORT: String(redis.port),
      PORT: String(webPort),
      APP_URL: `http://localhost:${webPort}`,
      SMTP_PORT: String(smtpPort),
    })
    console.log(
      `test services: MariaDB 127.0.0.1:${mariadb.port}, Redis 127.0.0.1:${redis.port}, ` +
        `web :${webPort}, SMTP :${smtpPort}`
    )
  }

  const runner = spawn(process.execPath, ['ace', 'test', ...process.argv.slice(2)], {
    cwd: ROOT,
    env,
    stdio: 'inherit',
  })
  process.removeAllListeners('SIGINT')
  process.removeAllListeners('SIGTERM')
  process.on('SIGINT', () => runner.kill('SIGINT'))
  process.on('SIGTERM', () => runner.kill('SIGTERM'))
  const code = await new Promise((resolve) =>
    runner.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)))
  )
  await stopServices()
  process.exit(code)
}

main().catch(async (error) => {
  console.error(`npm test: ${error instanceof ServiceError ? error.message : error.stack}`)
  await stopServices()
  process.exit(1)
})
