/*
| Transactions benchmark (issues 5 and 19). Seeds 5,000,000 transactions (one customer
| with 1,000,000, the rest over 49 others) into MariaDB database `kundenportal_bench_tx`
| (created as root with `mariadb -uroot`), rebuilds their totals (`node ace
| transactions:totals`), starts the real web server (production mode) and, in one run,
| prints (each the median of BENCH_ROUNDS alternating rounds, default 5):
|
|   1. list requests/s of /transactions vs a bare node:http + mysql2 server that runs
|      the portal's statements and returns the same HTML          (goal ≥ 0.7)
|   2. p95 of page 1 of the 13-month view vs page 1 of the 7-day view (goal ≤ 1.5),
|      and of a page 500,000 rows deep vs page 1 of the 13-month view (goal ≤ 1.5)
|   3. CSV export of 1,000,000 rows vs `mariadb -B` of the same SELECT (goal ≥ 0.7),
|      with the web process's peak RSS vs before the export (goal ≤ 1.2×)
|
|   node --import=@poppinss/ts-exec bench/transactions.ts      # BENCH_ONLY=1,2,3
|
| Seeding is skipped when the database already holds the data set. Credentials from
| `.env.test` (override with DB_HOST, DB_PORT, DB_USER, DB_PASSWORD). See docs/merchant.md.
*/
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import { readFile } from 'node:fs/promises'
import { once } from 'node:events'
import { promisify } from 'node:util'
import mysql from 'mysql2/promise'
import argon2 from 'argon2'
import { DateTime } from 'luxon'
import { median } from './lib/server.js'

const DATABASE = 'kundenportal_bench_tx'
const TOTAL = 5_000_000
const BIG = 1_000_000
const CUSTOMERS = 50
const TERMINALS_PER_CUSTOMER = 5
/* all rows lie in the last 390 days, so a 13-month export covers the big customer's million */
const SPAN_DAYS = 390
const WEB_PORT = 3408
const BARE_PORT = 3409
/* clients of the list rate; BENCH_CLIENTS overrides */
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 4)
const EMAIL = 'bench@example.com'
const PASSWORD = 'Bench-Passwort-fuer-Transaktionen-1'
const ROOT = new URL('../', import.meta.url).pathname
const run = promisify(execFile)
const fmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 })

async function envTest() {
  const out: Record<string, string> = {}
  for (const line of (await readFile(`${ROOT}.env.test`, 'utf8')).split('\n')) {
    const m = line.match(/^([A-Z_]+)=(.*)$/)
    if (m) out[m[1]] = m[2].replace(/^"(.*)"$/, '$1')
  }
  return out
}

const dbOptions = (base: Record<string, string>) => ({
  host: process.env.DB_HOST ?? base.DB_HOST ?? '127.0.0.1',
  port: Number(process.env.DB_PORT ?? base.DB_PORT ?? 3306),
  user: process.env.DB_USER ?? base.DB_USER ?? 'kundenportal',
  password: process.env.DB_PASSWORD ?? base.DB_PASSWORD ?? 'kundenportal',
  database: DATABASE,
  timezone: 'Z',
  supportBigNumbers: true,
})

/* ---------- database and seed ---------- */

async function createDatabase(user: string) {
  const sql = [
    `CREATE DATABASE IF NOT EXISTS ${DATABASE} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    `GRANT ALL PRIVILEGES ON ${DATABASE}.* TO '${user}'@'127.0.0.1'`,
    `GRANT ALL PRIVILEGES ON ${DATABASE}.* TO '${user}'@'localhost'`,
  ].join('; ')
  await run('mariadb', ['-uroot', '-e', sql])
}

async function migrate(env: NodeJS.ProcessEnv) {
  await run(process.execPath, ['ace', 'migration:run', '--force'], { cwd: ROOT, env })
}

const BRANDS = ['girocard', 'girocard', 'girocard', 'visa', 'mastercard', 'maestro', 'vpay', 'amex']
const TYPES = ['sale', 'sale', 'sale', 'sale', 'sale', 'sale', 'sale', 'sale', 'refund', 'reversal']

async function seed(conn: mysql.Connection, env: NodeJS.ProcessEnv) {
  const [[{ n }]] = (await conn.query('SELECT COUNT(*) AS n FROM transactions')) as any
  if (Number(n) === TOTAL) {
    console.log(`seed: ${fmt.format(TOTAL)} transactions already there`)
    return
  }
  console.log(`seed: ${fmt.format(TOTAL)} transactions (one customer with ${fmt.format(BIG)}) …`)
  const started = Date.now()
  await conn.query('SET FOREIGN_KEY_CHECKS=0')
  for (const table of ['transactions', 'customer_user', 'terminals', 'customers', 'users']) {
    await conn.query(`TRUNCATE TABLE ${table}`)
  }
  await conn.query('SET FOREIGN_KEY_CHECKS=1')
  const now = DateTime.utc().toFormat('yyyy-MM-dd HH:mm:ss')
  const customers = Array.from({ length: CUSTOMERS }, (_, i) => [
    i + 1,
    `L${2_000_001 + i}`,
    `Bench Handel ${i + 1} GmbH`,
    'Hauptstraße 1',
    '60311',
    'Frankfurt am Main',
    'DE',
    now,
    now,
  ])
  await conn.query(
    'INSERT INTO customers (id, customer_number, company_name, street, postal_code, city, country, created_at, updated_at) VALUES ?',
    [customers]
  )
  const terminals = []
  for (let c = 1; c <= CUSTOMERS; c++) {
    for (let t = 0; t < TERMINALS_PER_CUSTOMER; t++) {
      const id = (c - 1) * TERMINALS_PER_CUSTOMER + t + 1
      terminals.push([
        id,
        String(70_000_000 + id),
        c,
        'Move/5000',
        `SN${id}`,
        'Hauptstraße 1',
        '60311',
        'Frankfurt',
        'active',
        now,
        now,
      ])
    }
  }
  await conn.query(
    'INSERT INTO terminals (id, terminal_id, customer_id, model, serial_number, street, postal_code, city, status, created_at, updated_at) VALUES ?',
    [terminals]
  )
  const hash = await argon2.hash(PASSWORD, {
    type: argon2.argon2id,
    memoryCost: 19456,
    timeCost: 2,
    parallelism: 1,
    hashLength: 32,
  })
  await conn.query(
    `INSERT INTO users (id, email, password, full_name, locale, state, failed_login_count, email_verified_at, created_at, updated_at)
     VALUES (1, ?, ?, 'Bench', 'de', 'active', 0, ?, ?, ?)`,
    [EMAIL, hash, now, now, now]
  )
  await conn.query(
    `INSERT INTO customer_user (user_id, customer_id, role, proven_by, created_at) VALUES (1, 1, 'owner', 'support', ?)`,
    [now]
  )

  /* row i: every 5th row belongs to customer 1, the others round-robin over 49 customers */
  const start = DateTime.utc().minus({ days: SPAN_DAYS }).toMillis()
  const step = (SPAN_DAYS * 86_400_000 - 3_600_000) / TOTAL
  const BATCH = 5000
  for (let from = 0; from < TOTAL; from += BATCH) {
    const rows = []
    for (let i = from; i < Math.min(TOTAL, from + BATCH); i++) {
      const customer = i % 5 === 0 ? 1 : 2 + (Math.floor(i / 5) % (CUSTOMERS - 1))
      const terminal =
        (customer - 1) * TERMINALS_PER_CUSTOMER + ((i >> 3) % TERMINALS_PER_CUSTOMER) + 1
      const at = DateTime.fromMillis(Math.floor(start + i * step), { zone: 'utc' }).toFormat(
        'yyyy-MM-dd HH:mm:ss'
      )
      const last4 = String(1000 + (i % 9000))
      rows.push([
        `B${i}`,
        customer,
        terminal,
        at,
        TYPES[i % TYPES.length],
        i % 23 === 0 ? 'declined' : 'approved',
        100 + ((i * 7919) % 50_000),
        'EUR',
        BRANDS[i % BRANDS.length],
        `672000******${last4}`,
        last4,
        `A${i % 999_999}`,
        String(100_000 + (i % 900_000)),
        at,
      ])
    }
    await conn.query(
      'INSERT INTO transactions (reference, customer_id, terminal_id, occurred_at, type, status, amount_minor, currency, card_brand, pan_masked, pan_last4, auth_code, receipt_number, created_at) VALUES ?',
      [rows]
    )
    if ((from / BATCH) % 100 === 0) process.stdout.write(`  ${fmt.format(from)} rows\r`)
  }
  await conn.query('ANALYZE TABLE transactions')
  /* the list's totals table, as an operator rebuilds it after a bulk load (ADR 1901) */
  await run(process.execPath, ['ace', 'transactions:totals'], { cwd: ROOT, env })
  console.log(`seed: done in ${fmt.format((Date.now() - started) / 1000)} s`)
}

/* ---------- the web server ---------- */

async function startWeb(env: NodeJS.ProcessEnv) {
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=tmp/bench-prof'] : []
  const child = spawn(
    process.execPath,
    [...profile, '--import=@poppinss/ts-exec', 'bin/server.ts'],
    {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    }
  )
  for (let i = 0; i < 120; i++) {
    try {
      const response = await fetch(`http://127.0.0.1:${WEB_PORT}/health`)
      if (response.status < 500) return child
    } catch {}
    await new Promise((r) => setTimeout(r, 500))
  }
  child.kill('SIGKILL')
  throw new Error('web server did not start')
}

async function stopWeb(child: ChildProcess) {
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 8000)
  await once(child, 'exit')
  clearTimeout(timer)
}

/** Logs in through the real form; returns the Cookie header. */
async function login() {
  const jar = new Map<string, string>()
  const keep = (response: Response) => {
    for (const c of response.headers.getSetCookie()) {
      const [pair] = c.split(';')
      const i = pair.indexOf('=')
      jar.set(pair.slice(0, i), pair.slice(i + 1))
    }
  }
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
  const page = await fetch(`http://127.0.0.1:${WEB_PORT}/login`)
  keep(page)
  const token = (await page.text()).match(/name=['"]_csrf['"] value=['"]([^'"]+)['"]/)![1]
  const body = new URLSearchParams({ email: EMAIL, password: PASSWORD, _csrf: token })
  const response = await fetch(`http://127.0.0.1:${WEB_PORT}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'cookie': cookie() },
    body,
    redirect: 'manual',
  })
  keep(response)
  if (response.status !== 302 || response.headers.get('location')?.startsWith('/login')) {
    throw new Error(`login failed: ${response.status}`)
  }
  jar.set('kp_locale', 'de')
  return cookie()
}

/* ---------- the bare server: node:http + mysql2, same SQL, same HTML ---------- */

const money = new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR' })
const escape = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!
  )
const TYPE_DE: Record<string, string> = {
  sale: 'Verkauf',
  refund: 'Gutschrift',
  reversal: 'Storno',
  preauth: 'Reservierung',
}
const BRAND_DE: Record<string, string> = {
  girocard: 'girocard',
  visa: 'Visa',
  mastercard: 'Mastercard',
  maestro: 'Maestro',
  vpay: 'V PAY',
  amex: 'American Express',
  other: 'Sonstige',
}

function rowHtml(r: any) {
  const at = DateTime.fromJSDate(r.occurred_at, { zone: 'utc' })
    .setZone('Europe/Berlin')
    .toFormat('dd.MM.yyyy HH:mm')
  return `<tr data-id="${r.id}" class="">
    <td><a href="/transactions/${r.id}">${at}</a></td>
    <td>${escape(r.tid)}</td>
    <td>${TYPE_DE[r.type]}</td>
    <td><span class="badge ${r.status === 'approved' ? 'badge--ok' : 'badge--bad'}">${r.status === 'approved' ? 'Genehmigt' : 'Abgelehnt'}</span></td>
    <td>${BRAND_DE[r.card_brand]}${r.pan_last4 ? ' •••• ' + escape(r.pan_last4) : ''}</td>
    <td>${escape(r.receipt_number ?? '')}</td>
    <td class="num">${money.format(r.amount_minor / 100)}</td>
  </tr>`
}

/** The period's ranges in transaction_totals (as periodRanges in app/services/merchant/transaction_totals.ts). */
function periodRanges(fromDate: string, toDate: string) {
  const from = DateTime.fromISO(fromDate, { zone: 'utc' })
  const to = DateTime.fromISO(toDate, { zone: 'utc' })
  const firstMonth = from.day === 1 ? from : from.plus({ months: 1 }).startOf('month')
  const lastMonthEnd = to.plus({ days: 1 }).day === 1 ? to : to.startOf('month').minus({ days: 1 })
  const iso = (value: DateTime) => value.toISODate()!
  if (firstMonth > lastMonthEnd) return [{ grain: 'd', from: fromDate, to: toDate }]
  const ranges = [{ grain: 'm', from: iso(firstMonth), to: iso(lastMonthEnd.startOf('month')) }]
  if (from < firstMonth)
    ranges.push({ grain: 'd', from: fromDate, to: iso(firstMonth.minus({ days: 1 })) })
  if (lastMonthEnd < to)
    ranges.push({ grain: 'd', from: iso(lastMonthEnd.plus({ days: 1 })), to: toDate })
  return ranges
}

/**
 * Serves /transactions with the statements the portal runs for that page (scope,
 * terminals for the filter select, max id for the live feed, the keyset page, the
 * totals), rendering the rows and totals into the portal's own page around them.
 */
async function startBare(options: ReturnType<typeof dbOptions>, template: string): Promise<Server> {
  const pool = mysql.createPool({ ...options, connectionLimit: 10 })
  const [head, rest] = template.split(/<tbody[^>]*id="transaction-rows"[^>]*>/)
  const tail = rest.slice(rest.indexOf('</tbody>'))
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url!, 'http://bare')
      const from = DateTime.fromISO(url.searchParams.get('from')!, { zone: 'Europe/Berlin' })
      const to = DateTime.fromISO(url.searchParams.get('to')!, { zone: 'Europe/Berlin' }).plus({
        days: 1,
      })
      const start = from.toUTC().toFormat('yyyy-MM-dd HH:mm:ss')
      const end = to.toUTC().toFormat('yyyy-MM-dd HH:mm:ss')
      const after = url.searchParams.get('after')
      /* the portal's statements for this page, in its order (see the query log in docs/performance.md) */
      await pool.query('select * from `users` where `id` = ? limit 1', [1])
      const [customers] = (await pool.query(
        'select `customers`.`id`, `customers`.`customer_number`, `customers`.`company_name`, `customers`.`require_two_factor`, `customer_user`.`role`, `users`.`totp_enabled_at` from `customer_user` inner join `customers` on `customers`.`id` = `customer_user`.`customer_id` inner join `users` on `users`.`id` = `customer_user`.`user_id` where `customer_user`.`user_id` = ? order by `customer_user`.`id` asc',
        [1]
      )) as any
      const ids = customers.map((c: any) => c.id)
      await pool.query(
        'select `terminal_id`, `city` from `terminals` where `customer_id` in (?) order by `terminal_id` asc',
        [ids]
      )
      await pool.query('select max(`id`) as `max` from `transactions` limit 1')
      let seek = ''
      const params: unknown[] = [ids, start, end]
      if (after) {
        const [stamp, id] = after.split('-')
        const at = DateTime.fromFormat(stamp, 'yyyyMMddHHmmss', { zone: 'utc' }).toFormat(
          'yyyy-MM-dd HH:mm:ss'
        )
        seek = ' and `occurred_at` <= ? and (`occurred_at` < ? or `id` < ?)'
        params.push(at, at, Number(id))
      }
      const [rows] = (await pool.query(
        'select `t`.`id`, `t`.`occurred_at`, `t`.`type`, `t`.`status`, `t`.`amount_minor`, `t`.`currency`, `t`.`card_brand`, `t`.`pan_last4`, `t`.`auth_code`, `t`.`receipt_number`, `t`.`reference`, `term`.`terminal_id` as `tid`, `c`.`customer_number` from (select `id` from transactions FORCE INDEX (transactions_customer_keyset) where `customer_id` in (?) and `occurred_at` >= ? and `occurred_at` < ?' +
          seek +
          ' order by `occurred_at` desc, `id` desc limit 51) k inner join `transactions` as `t` on `t`.`id` = `k`.`id` inner join `terminals` as `term` on `term`.`id` = `t`.`terminal_id` inner join `customers` as `c` on `c`.`id` = `t`.`customer_id` order by `t`.`occurred_at` desc, `t`.`id` desc',
        params
      )) as any
      /* the totals from transaction_totals, as the portal reads them (ADR 1901) */
      const ranges = periodRanges(from.toISODate()!, to.minus({ days: 1 }).toISODate()!)
      const [[totals]] = (await pool.query(
        'SELECT SUM(count) AS count, SUM(approved) AS approved, SUM(turnover) AS turnover FROM (SELECT COALESCE(SUM(n_sale_approved + n_sale_declined + n_refund_approved + n_refund_declined + n_reversal_approved + n_reversal_declined + n_preauth_approved + n_preauth_declined), 0) AS count, COALESCE(SUM(n_sale_approved + n_refund_approved + n_reversal_approved + n_preauth_approved), 0) AS approved, COALESCE(SUM(+ a_sale - a_refund - a_reversal), 0) AS turnover FROM transaction_totals WHERE customer_id IN (?) AND (' +
          ranges.map(() => '(grain = ? AND day BETWEEN ? AND ?)').join(' OR ') +
          ") UNION ALL SELECT COUNT(*) AS count, COALESCE(SUM(CASE WHEN t.status = 'approved' THEN 1 ELSE 0 END), 0) AS approved, COALESCE(SUM(CASE WHEN t.status = 'approved' AND t.type = 'sale' THEN t.amount_minor WHEN t.status = 'approved' AND t.type = 'refund' THEN -t.amount_minor WHEN t.status = 'approved' AND t.type = 'reversal' THEN -t.amount_minor ELSE 0 END), 0) AS turnover FROM transaction_totals_pending p INNER JOIN transactions t ON t.id = p.transaction_id WHERE p.customer_id IN (?) AND t.occurred_at >= ? AND t.occurred_at < ?) parts",
        [ids, ...ranges.flatMap((r) => [r.grain, r.from, r.to]), ids, start, end]
      )) as any
      const page = rows.slice(0, 50)
      const html =
        head.replace(
          /data-total="turnover">[^<]*</,
          `data-total="turnover">${money.format(totals.turnover / 100)}<`
        ) +
        '<tbody id="transaction-rows">' +
        page.map(rowHtml).join('\n') +
        tail
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
      })
      res.end(html)
    } catch (error) {
      res.writeHead(500)
      res.end(String(error))
    }
  })
  server.listen(BARE_PORT, '127.0.0.1')
  await once(server, 'listening')
  server.on('close', () => void pool.end())
  return server
}

/* ---------- measuring ---------- */

async function timed(url: string, cookie: string) {
  const t0 = performance.now()
  const response = await fetch(url, { headers: { cookie }, redirect: 'manual' })
  const body = await response.text()
  if (response.status !== 200) throw new Error(`${url}: ${response.status} ${body.slice(0, 300)}`)
  return performance.now() - t0
}

/** Requests/s with `concurrency` clients for `seconds`. */
async function throughput(url: string, cookie: string, seconds: number, concurrency = CLIENTS) {
  const until = Date.now() + seconds * 1000
  let count = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < until) {
        await timed(url, cookie)
        count++
      }
    })
  )
  return count / seconds
}

async function p95(url: string, cookie: string, n: number) {
  const times: number[] = []
  for (let i = 0; i < n; i++) times.push(await timed(url, cookie))
  times.sort((a, b) => a - b)
  return times[Math.ceil(n * 0.95) - 1]
}

const rss = async (pid: number) => {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  return Number(status.match(/VmRSS:\s+(\d+)/)![1]) * 1024
}

async function main() {
  const base = await envTest()
  const options = dbOptions(base)
  await createDatabase(options.user)
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...base,
    NODE_ENV: 'production',
    PORT: String(WEB_PORT),
    HOST: '127.0.0.1',
    APP_URL: `http://127.0.0.1:${WEB_PORT}`,
    DB_CONNECTION: 'mysql',
    DB_DATABASE: DATABASE,
    DB_USER: options.user,
    DB_PASSWORD: options.password,
    LOG_LEVEL: 'warn',
    QUEUE_PREFIX: 'kp-bench-tx',
  }
  delete env.LOG_FILE
  await migrate(env)
  const conn = await mysql.createConnection(options)
  await seed(conn, env)

  const web = await startWeb(env)
  const cookie = await login()
  const today = DateTime.now().setZone('Europe/Berlin')
  const week = `from=${today.minus({ days: 6 }).toISODate()}&to=${today.toISODate()}&customer=L2000001`
  const longFrom = today.minus({ months: 13 }).plus({ days: 1 }).toISODate()!
  const long = `from=${longFrom}&to=${today.toISODate()}&customer=L2000001`

  /* the cursor of the row 500,000 deep in the 13-month view (found once, with OFFSET, here only) */
  const [[deep]] = (await conn.query(
    `SELECT occurred_at, id FROM transactions FORCE INDEX (transactions_customer_keyset)
     WHERE customer_id = 1 AND occurred_at >= ? ORDER BY occurred_at DESC, id DESC LIMIT 1 OFFSET 499999`,
    [DateTime.fromISO(longFrom, { zone: 'Europe/Berlin' }).toUTC().toFormat('yyyy-MM-dd HH:mm:ss')]
  )) as any
  const cursor = `${DateTime.fromJSDate(deep.occurred_at, { zone: 'utc' }).toFormat('yyyyMMddHHmmss')}-${deep.id}`
  const webUrl = (q: string) => `http://127.0.0.1:${WEB_PORT}/transactions?${q}`
  const bareUrl = (q: string) => `http://127.0.0.1:${BARE_PORT}/transactions?${q}`

  const template = await (await fetch(webUrl(week), { headers: { cookie } })).text()
  const bare = await startBare(options, template)
  const bareHtml = await (await fetch(bareUrl(week))).text()
  const sameRows = (html: string) =>
    [...html.matchAll(/data-id="(\d+)"/g)].map((m) => m[1]).join(',')
  if (sameRows(bareHtml) !== sameRows(template)) throw new Error('bare server rows differ')

  /* BENCH_HOLD=1: keep the server up for a look from outside (query log, profiler) */
  if (process.env.BENCH_HOLD) {
    console.log(`holding: curl -H 'cookie: ${cookie}' '${webUrl(week)}'`)
    await new Promise((resolve) => process.once('SIGINT', resolve))
  }
  /* BENCH_ONLY=1,3 runs only those parts; BENCH_ROUNDS alternating rounds each (median) */
  const only = (process.env.BENCH_ONLY ?? '1,2,3').split(',')
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5)
  const results: string[] = []
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL')
  if (only.includes('1')) {
    console.log(
      `\n1) list requests/s, page 1 of the default view (last 7 days, ~19k rows), 4 clients, ${rounds} alternating rounds of 5 s`
    )
    await throughput(webUrl(week), cookie, 3)
    await throughput(bareUrl(week), cookie, 3)
    const ratios: number[] = []
    for (let round = 0; round < rounds; round++) {
      /* alternate which goes first, so both see the same moments of a shared machine */
      const webFirst = round % 2 === 0
      const first = await throughput(webFirst ? webUrl(week) : bareUrl(week), cookie, 5)
      const second = await throughput(webFirst ? bareUrl(week) : webUrl(week), cookie, 5)
      const [webRps, bareRps] = webFirst ? [first, second] : [second, first]
      ratios.push(webRps / bareRps)
      console.log(
        `   round ${round + 1}: portal ${fmt.format(webRps)} req/s · bare node:http+mysql2 ${fmt.format(bareRps)} req/s · ${fmt.format(webRps / bareRps)}`
      )
    }
    const ratio = median(ratios)
    console.log(`   ratio ${fmt.format(ratio)} (median; goal ≥ 0.7) → ${verdict(ratio >= 0.7)}`)
    results.push(`list vs bare ${fmt.format(ratio)} (≥ 0.7) ${verdict(ratio >= 0.7)}`)
  }
  if (only.includes('2')) {
    console.log(
      `\n2) p95 of 20 sequential requests, 1,000,000-row customer: 7-day page 1, 13-month page 1, 13-month page 500,000 rows deep (${rounds} rounds)`
    )
    for (const url of [webUrl(week), webUrl(long), webUrl(`${long}&after=${cursor}`)]) {
      await p95(url, cookie, 3)
    }
    const periodRatios: number[] = []
    const deepRatios: number[] = []
    for (let round = 0; round < rounds; round++) {
      const weekP95 = await p95(webUrl(week), cookie, 20)
      const longP95 = await p95(webUrl(long), cookie, 20)
      const deepP95 = await p95(webUrl(`${long}&after=${cursor}`), cookie, 20)
      periodRatios.push(longP95 / weekP95)
      deepRatios.push(deepP95 / longP95)
      console.log(
        `   round ${round + 1}: 7 days ${fmt.format(weekP95)} ms · 13 months ${fmt.format(longP95)} ms · 500,000 deep ${fmt.format(deepP95)} ms`
      )
    }
    const period = median(periodRatios)
    const deepRatio = median(deepRatios)
    console.log(
      `   13 months / 7 days ${fmt.format(period)} (median; goal ≤ 1.5) → ${verdict(period <= 1.5)}`
    )
    console.log(
      `   deep / page 1 ${fmt.format(deepRatio)} (median; goal ≤ 1.5) → ${verdict(deepRatio <= 1.5)}`
    )
    results.push(`13 months / 7 days ${fmt.format(period)} (≤ 1.5) ${verdict(period <= 1.5)}`)
    results.push(`deep / page 1 ${fmt.format(deepRatio)} (≤ 1.5) ${verdict(deepRatio <= 1.5)}`)
  }
  if (only.includes('3')) {
    const csvRounds = Number(process.env.BENCH_CSV_ROUNDS ?? 3)
    console.log(
      `\n3) CSV export of the 1,000,000-row customer (13 months) vs mariadb -B (${csvRounds} alternating rounds)`
    )
    const sql = `SELECT t.occurred_at, c.customer_number, term.terminal_id, t.type, t.status, t.amount_minor, t.currency, t.card_brand, t.pan_last4, t.receipt_number, t.auth_code, t.reference FROM transactions t JOIN terminals term ON term.id = t.terminal_id JOIN customers c ON c.id = t.customer_id WHERE t.customer_id = 1 AND t.occurred_at >= '${DateTime.fromISO(longFrom, { zone: 'Europe/Berlin' }).toUTC().toFormat('yyyy-MM-dd HH:mm:ss')}' ORDER BY t.occurred_at DESC, t.id DESC`
    const portalExport = async () => {
      const before = await rss(web.pid!)
      let peak = before
      const sampler = setInterval(async () => {
        peak = Math.max(peak, await rss(web.pid!).catch(() => 0))
      }, 50)
      const t0 = performance.now()
      const response = await fetch(`http://127.0.0.1:${WEB_PORT}/transactions.csv?${long}`, {
        headers: { cookie },
      })
      let bytes = 0
      let lines = 0
      for await (const chunk of response.body as any as AsyncIterable<Uint8Array>) {
        bytes += chunk.length
        for (const b of chunk) if (b === 10) lines++
      }
      const ms = performance.now() - t0
      clearInterval(sampler)
      return { ms, rows: lines - 1, bytes, before, peak }
    }
    const cliExport = async () => {
      const t1 = performance.now()
      const { stdout } = await run(
        'sh',
        [
          '-c',
          `mariadb -B -h ${options.host} -P ${options.port} -u ${options.user} -p${options.password} ${DATABASE} -e "${sql}" | wc -l`,
        ],
        { maxBuffer: 1 << 20 }
      )
      return { ms: performance.now() - t1, rows: Number(stdout.trim()) - 1 }
    }
    /* one export of each first, not counted: JIT, buffer pool and page cache warm for both */
    await portalExport()
    await cliExport()
    const ratios: number[] = []
    const memories: number[] = []
    for (let round = 0; round < csvRounds; round++) {
      const portalFirst = round % 2 === 0
      const a = portalFirst ? await portalExport() : await cliExport()
      const b = portalFirst ? await cliExport() : await portalExport()
      const [portal, cli] = (portalFirst ? [a, b] : [b, a]) as [
        Awaited<ReturnType<typeof portalExport>>,
        Awaited<ReturnType<typeof cliExport>>,
      ]
      ratios.push(cli.ms / portal.ms)
      memories.push(portal.peak / portal.before)
      console.log(
        `   round ${round + 1}: portal ${fmt.format(portal.rows)} rows, ${fmt.format(portal.bytes / 1e6)} MB in ${fmt.format(portal.ms / 1000)} s (${fmt.format(portal.rows / (portal.ms / 1000))} rows/s) · mariadb -B ${fmt.format(cli.rows)} rows in ${fmt.format(cli.ms / 1000)} s · ${fmt.format(cli.ms / portal.ms)} · RSS ${fmt.format(portal.before / 1e6)} → ${fmt.format(portal.peak / 1e6)} MB`
      )
    }
    const ratio = median(ratios)
    const memory = median(memories)
    console.log(`   ratio ${fmt.format(ratio)} (median; goal ≥ 0.7) → ${verdict(ratio >= 0.7)}`)
    console.log(
      `   web RSS peak / before ${fmt.format(memory)} (median; goal ≤ 1.2) → ${verdict(memory <= 1.2)}`
    )
    results.push(`CSV vs mariadb -B ${fmt.format(ratio)} (≥ 0.7) ${verdict(ratio >= 0.7)}`)
    results.push(`CSV memory ${fmt.format(memory)} (≤ 1.2) ${verdict(memory <= 1.2)}`)
  }
  console.log(`\nsummary: ${results.join(' · ')}`)
  bare.close()
  await conn.end()
  await stopWeb(web)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
