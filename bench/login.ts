/*
| Login benchmark (issue 3): successful logins per second over HTTP against the real
| server (session, CSRF, throttles, audit, argon2id verify), as a ratio to raw argon2id
| verifications per second with the same parameters on the same machine in the same run.
| Goal: ratio ≥ 0.8 — the login path adds little beyond the hash it must compute.
|
|   node --import=@poppinss/ts-exec bench/login.ts [logins] [concurrency]
|
| Uses MariaDB database `kundenportal_bench_login` (created as root with `mariadb -e`
| when that works), the credentials of `.env.test` (override with DB_HOST, DB_PORT,
| DB_USER, DB_PASSWORD, BENCH_DATABASE) and a web server it starts itself on BENCH_PORT
| (default 3498). The per-IP login throttle allows 150 POSTs a minute, so at most 140.
*/
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import http from 'node:http'
import { promisify } from 'node:util'
import { readFile } from 'node:fs/promises'
import argon2 from 'argon2'
import mysql from 'mysql2/promise'

const LOGINS = Math.min(140, Number(process.argv[2] ?? 120))
/* more clients than libuv's 4 hashing threads, so network waits overlap with hashing */
const CONCURRENCY = Number(process.argv[3] ?? 8)
const USERS = 20
const keepAlive = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY })
const PASSWORD = 'Bench-Passphrase-Apfelwein-Ebbelwoi-2026'
const DATABASE = process.env.BENCH_DATABASE ?? 'kundenportal_bench_login'
const PORT = Number(process.env.BENCH_PORT ?? 3498)
const ROOT = new URL('../', import.meta.url).pathname
/* the parameters of config/hash.ts */
const ARGON = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const

const childEnv = {
  ...process.env,
  NODE_ENV: 'test',
  DB_CONNECTION: 'mysql',
  DB_DATABASE: DATABASE,
  PORT: String(PORT),
  HOST: '127.0.0.1',
  APP_URL: `http://127.0.0.1:${PORT}`,
  QUEUE_PREFIX: `kp-bench-login-${process.pid}`,
  LOG_LEVEL: 'warn',
  LOG_FILE: 'tmp/bench-login.log',
}

async function prepareDatabase() {
  try {
    await promisify(execFile)('mariadb', ['-e', `CREATE DATABASE IF NOT EXISTS \`${DATABASE}\``])
  } catch {
    console.log(`(mariadb as root not available; expecting database ${DATABASE} to exist)`)
  }
  const migrate = spawn(process.execPath, ['ace', 'migration:run', '--force', '--disable-locks'], {
    cwd: ROOT,
    env: childEnv,
    stdio: 'ignore',
  })
  if ((await new Promise((resolve) => migrate.once('exit', resolve))) !== 0)
    throw new Error('migration failed')

  const db = await mysql.createConnection({
    host: process.env.DB_HOST ?? '127.0.0.1',
    port: Number(process.env.DB_PORT ?? 3306),
    user: process.env.DB_USER ?? 'kundenportal',
    password: process.env.DB_PASSWORD ?? 'kundenportal',
    database: DATABASE,
  })
  await db.query('SET FOREIGN_KEY_CHECKS=0')
  for (const table of ['audit_events', 'customer_user', 'one_time_tokens', 'users'])
    await db.query(`TRUNCATE TABLE ${table}`)
  await db.query('SET FOREIGN_KEY_CHECKS=1')
  const hashed = await argon2.hash(PASSWORD, ARGON)
  const emails = Array.from({ length: USERS }, (_, i) => `bench${i}@example.com`)
  await db.query(
    'INSERT INTO users (email, password, locale, state, failed_login_count, email_verified_at, created_at, updated_at) VALUES ?',
    [emails.map((email) => [email, hashed, 'de', 'active', 0, new Date(), new Date(), new Date()])]
  )
  await db.end()
  return { emails, hashed }
}

async function startServer() {
  /* BENCH_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=tmp/prof", profiles the server */
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []
  const child = spawn(
    process.execPath,
    [...nodeArgs, '--import=@poppinss/ts-exec', 'bin/server.ts'],
    {
      cwd: ROOT,
      env: childEnv,
      stdio: ['ignore', 'ignore', 'inherit'],
    }
  )
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${PORT}/health`)).ok) return child
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  child.kill('SIGKILL')
  throw new Error(`the web server did not answer on port ${PORT}`)
}

async function stopServer(child: ChildProcess) {
  child.kill('SIGTERM')
  await new Promise((resolve) => child.once('exit', resolve))
}

/** A fresh visitor: session cookie and CSRF token from GET /login (not timed). */
async function visitor() {
  const page = await fetch(`http://127.0.0.1:${PORT}/login`)
  const cookie = page.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ')
  const csrf = (await page.text()).match(/name=['"]_csrf['"] value=['"]([^'"]+)['"]/)?.[1]
  if (!csrf) throw new Error('no CSRF token on /login')
  return { cookie, csrf }
}

/**
 * One login over a kept-alive connection. (node:http rather than fetch: the client
 * shares the 2 cores with the server and costs it less CPU per request this way.)
 */
function login(email: string, agent: { cookie: string; csrf: string }) {
  const body = new URLSearchParams({ email, password: PASSWORD, _csrf: agent.csrf }).toString()
  return new Promise<void>((resolve, reject) => {
    const request = http.request(
      {
        agent: keepAlive,
        host: '127.0.0.1',
        port: PORT,
        path: '/login',
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
          'cookie': agent.cookie,
        },
      },
      (response) => {
        response.resume()
        response.on('end', () => {
          if (response.headers.location === '/') resolve()
          else reject(new Error(`login failed: ${response.statusCode}`))
        })
        response.on('error', reject)
      }
    )
    request.on('error', reject)
    request.end(body)
  })
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); 0 elsewhere. */
async function cpuSeconds(pid: number | undefined) {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return 0
  }
}

function ownCpuSeconds() {
  const usage = process.cpuUsage()
  return (usage.user + usage.system) / 1e6
}

/** Runs `jobs` with `CONCURRENCY` workers; returns operations per second. */
async function rate(count: number, job: (index: number) => Promise<void>) {
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await job(next++)
    })
  )
  return count / ((performance.now() - started) / 1000)
}

async function main() {
  const { emails, hashed } = await prepareDatabase()
  const server = await startServer()
  try {
    const warm = await Promise.all(Array.from({ length: 8 }, visitor))
    await rate(warm.length, (i) => login(emails[i % USERS], warm[i]))

    /* alternate raw and HTTP rounds so both see the same background load */
    const ROUNDS = 3
    const perRound = Math.floor(LOGINS / ROUNDS)
    const raws: number[] = []
    const logins: number[] = []
    const cpu = { raw: 0, server: 0, client: 0 }
    for (let round = 0; round < ROUNDS; round++) {
      const visitors: Array<{ cookie: string; csrf: string }> = []
      for (let i = 0; i < perRound; i++) visitors.push(await visitor())
      let own = ownCpuSeconds()
      raws.push(
        await rate(perRound, async () => {
          if (!(await argon2.verify(hashed, PASSWORD))) throw new Error('verify failed')
        })
      )
      cpu.raw += ownCpuSeconds() - own
      own = ownCpuSeconds()
      const serverBefore = await cpuSeconds(server.pid)
      logins.push(await rate(perRound, (i) => login(emails[i % USERS], visitors[i])))
      cpu.server += (await cpuSeconds(server.pid)) - serverBefore
      cpu.client += ownCpuSeconds() - own
    }
    /* for reading the ratio: what a request costs without any hash (page render + session) */
    const pageTimes: number[] = []
    for (let i = 0; i < 20; i++) {
      const started = performance.now()
      await visitor()
      pageTimes.push(performance.now() - started)
    }
    pageTimes.sort((a, b) => a - b)
    const harmonic = (values: number[]) => values.length / values.reduce((a, v) => a + 1 / v, 0)
    const raw = harmonic(raws)
    const loginRate = harmonic(logins)
    const format = (value: number) => value.toFixed(1)
    console.log(
      `argon2id (m=19456 KiB, t=2, p=1), ${CONCURRENCY} concurrent, ${ROUNDS}×${perRound} operations each`
    )
    console.log(
      `raw argon2id verifications/s: ${format(raw)} (rounds: ${raws.map(format).join(', ')})`
    )
    console.log(
      `login requests/s (POST /login → 302 /): ${format(loginRate)} (rounds: ${logins.map(format).join(', ')})`
    )
    console.log(`GET /login median latency (no hash): ${pageTimes[10].toFixed(1)} ms`)
    const perOp = (seconds: number) => ((seconds / (ROUNDS * perRound)) * 1000).toFixed(1)
    console.log(
      `CPU per operation: raw verification ${perOp(cpu.raw)} ms; login: web server ${perOp(cpu.server)} ms (hash included), bench client ${perOp(cpu.client)} ms`
    )
    console.log(`ratio login/raw: ${(loginRate / raw).toFixed(2)} (goal ≥ 0.8)`)
  } finally {
    keepAlive.destroy()
    await stopServer(server)
  }
}

await main()
