/*
| Login benchmark (issues 3 and 19): successful logins per second over HTTP against the real
| server (session, CSRF, throttles, audit, argon2id verify), as a ratio to raw argon2id
| verifications per second with the same parameters on the same machine in the same run.
| Goal: ratio ≥ 0.9 (issue 19; 0.8 before) — the login path adds little beyond the hash it must compute.
|
|   node --import=@poppinss/ts-exec bench/login.ts [logins per round] [concurrency]
|
| The server runs as in production (bench/lib/server.ts) on BENCH_PORT (default 3498)
| with MariaDB database `kundenportal_bench_login` (created as root with `mariadb -e` when
| that works; credentials from `.env.test`, or DB_HOST, DB_PORT, DB_USER, DB_PASSWORD).
| It is warmed up with 300 logins first, as a running portal is. Then BENCH_ROUNDS
| (default 5) rounds each time raw verifications and logins, one after the other, so both
| see the same moment of a shared machine; the ratio is the median of the rounds' ratios.
| The per-IP budget of POST /login (150 a minute) is the portal's; each round logs in from
| its own loopback address (127.0.1.x), as logins come from many addresses in real life.
*/
import { execFile } from 'node:child_process'
import http from 'node:http'
import { promisify } from 'node:util'
import argon2 from 'argon2'
import mysql from 'mysql2/promise'
import {
  ace,
  cpuSeconds,
  median,
  pidOf,
  ownCpuSeconds,
  serverEnv,
  startServer,
  stopServer,
  threadCpuSeconds,
} from './lib/server.js'

const PER_ROUND = Math.min(140, Number(process.argv[2] ?? 100))
/* more clients than libuv's 4 hashing threads, so network waits overlap with hashing */
const CONCURRENCY = Number(process.argv[3] ?? 8)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const WARM_UP = 300
const USERS = 20
const PASSWORD = 'Bench-Passphrase-Apfelwein-Ebbelwoi-2026'
const DATABASE = process.env.BENCH_DATABASE ?? 'kundenportal_bench_login'
const PORT = Number(process.env.BENCH_PORT ?? 3498)
/* the parameters of config/hash.ts */
const ARGON = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const

type Visitor = { cookie: string; csrf: string }

async function prepareDatabase(env: NodeJS.ProcessEnv) {
  try {
    await promisify(execFile)('mariadb', ['-e', `CREATE DATABASE IF NOT EXISTS \`${DATABASE}\``])
  } catch {
    console.log(`(mariadb as root not available; expecting database ${DATABASE} to exist)`)
  }
  await ace(['migration:run', '--force', '--disable-locks'], env)

  const db = await mysql.createConnection({
    host: env.DB_HOST,
    port: Number(env.DB_PORT),
    user: env.DB_USER,
    password: env.DB_PASSWORD,
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

/** One HTTP exchange over a kept-alive connection from a given loopback address. */
function exchange(
  clientIp: string,
  options: { method: string; path: string; headers?: http.OutgoingHttpHeaders; body?: string }
) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>(
    (resolve, reject) => {
      const request = http.request(
        {
          agent: agentFor(clientIp),
          localAddress: clientIp,
          host: '127.0.0.1',
          port: PORT,
          method: options.method,
          path: options.path,
          headers: options.headers,
        },
        (response) => {
          const chunks: Buffer[] = []
          response.on('data', (chunk: Buffer) => chunks.push(chunk))
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: Buffer.concat(chunks).toString(),
            })
          )
          response.on('error', reject)
        }
      )
      request.on('error', reject)
      request.end(options.body)
    }
  )
}

/* node:http with keep-alive rather than fetch: the client shares the cores with the server */
const agents = new Map<string, http.Agent>()
function agentFor(clientIp: string) {
  let agent = agents.get(clientIp)
  if (!agent) {
    agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY })
    agents.set(clientIp, agent)
  }
  return agent
}

/** A fresh visitor: session cookie and CSRF token from GET /login (not timed). */
async function visitor(clientIp: string): Promise<Visitor> {
  const page = await exchange(clientIp, { method: 'GET', path: '/login' })
  const cookie = (page.headers['set-cookie'] ?? []).map((line) => line.split(';')[0]).join('; ')
  const csrf = page.body.match(/name=['"]_csrf['"] value=['"]([^'"]+)['"]/)?.[1]
  if (!csrf) throw new Error('no CSRF token on /login')
  return { cookie, csrf }
}

async function login(clientIp: string, email: string, { cookie, csrf }: Visitor) {
  const body = new URLSearchParams({ email, password: PASSWORD, _csrf: csrf }).toString()
  const response = await exchange(clientIp, {
    method: 'POST',
    path: '/login',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': Buffer.byteLength(body),
      cookie,
    },
    body,
  })
  if (response.headers.location !== '/') throw new Error(`login failed: ${response.status}`)
}

/** Runs `count` jobs with `CONCURRENCY` workers; returns operations per second. */
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

/** `count` logins from one new loopback address; visitors are fetched first, untimed. */
let addresses = 0
async function loginRound(count: number, emails: string[]) {
  const clientIp = `127.0.1.${++addresses}`
  const visitors: Visitor[] = []
  for (let i = 0; i < count; i++) visitors.push(await visitor(clientIp))
  return () => rate(count, (i) => login(clientIp, emails[i % emails.length], visitors[i]))
}

async function main() {
  const env = await serverEnv({
    PORT: String(PORT),
    DB_DATABASE: DATABASE,
    QUEUE_PREFIX: `kp-bench-login-${process.pid}`,
  })
  const { emails, hashed } = await prepareDatabase(env)
  const server = await startServer(env)
  try {
    for (let done = 0; done < WARM_UP; done += 100) await (await loginRound(100, emails))()

    const rounds: { raw: number; login: number }[] = []
    const cpu = { raw: 0, client: 0, mariadbd: 0, redis: 0, server: {} as Record<string, number> }
    const [mariadbd, redisServer] = [await pidOf('mariadbd'), await pidOf('redis-server')]
    for (let round = 0; round < ROUNDS; round++) {
      let own = ownCpuSeconds()
      const raw = await rate(PER_ROUND, async () => {
        if (!(await argon2.verify(hashed, PASSWORD))) throw new Error('verify failed')
      })
      cpu.raw += ownCpuSeconds() - own

      const logins = await loginRound(PER_ROUND, emails)
      own = ownCpuSeconds()
      const before = await threadCpuSeconds(server.pid)
      const services = [await cpuSeconds(mariadbd), await cpuSeconds(redisServer)]
      const loginRate = await logins()
      const after = await threadCpuSeconds(server.pid)
      cpu.client += ownCpuSeconds() - own
      cpu.mariadbd += (await cpuSeconds(mariadbd)) - services[0]
      cpu.redis += (await cpuSeconds(redisServer)) - services[1]
      for (const [kind, seconds] of Object.entries(after))
        cpu.server[kind] = (cpu.server[kind] ?? 0) + seconds - (before[kind] ?? 0)
      rounds.push({ raw, login: loginRate })
    }

    const format = (value: number) => value.toFixed(1)
    const perOp = (seconds: number) => ((seconds / (ROUNDS * PER_ROUND)) * 1000).toFixed(1)
    const serverKinds = Object.entries(cpu.server)
      .filter(([, seconds]) => seconds > 0)
      .sort((a, b) => b[1] - a[1])
      .map(([kind, seconds]) => `${kind} ${perOp(seconds)}`)
      .join(', ')
    const ratio = median(rounds.map((r) => r.login / r.raw))
    console.log(
      `argon2id (m=19456 KiB, t=2, p=1), ${CONCURRENCY} concurrent, ${ROUNDS} rounds of ${PER_ROUND} each, after ${WARM_UP} warm-up logins`
    )
    console.log(
      `raw argon2id verifications/s: ${format(median(rounds.map((r) => r.raw)))} (rounds: ${rounds.map((r) => format(r.raw)).join(', ')})`
    )
    console.log(
      `login requests/s (POST /login → 302 /): ${format(median(rounds.map((r) => r.login)))} (rounds: ${rounds.map((r) => format(r.login)).join(', ')})`
    )
    console.log(
      `CPU ms per operation: raw verification ${perOp(cpu.raw)}; login: server threads ${serverKinds}; bench client ${perOp(cpu.client)}; mariadbd ${perOp(cpu.mariadbd)}; redis ${perOp(cpu.redis)}`
    )
    console.log(
      `ratio login/raw: ${ratio.toFixed(2)} (median of the rounds' ratios: ${rounds.map((r) => (r.login / r.raw).toFixed(2)).join(', ')}); goal ≥ 0.9 → ${ratio >= 0.9 ? 'PASS' : 'FAIL'}`
    )
  } finally {
    for (const agent of agents.values()) agent.destroy()
    await stopServer(server)
  }
}

await main()
