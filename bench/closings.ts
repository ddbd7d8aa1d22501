/*
| Closings benchmark (issue 16). Loads 5,000,000 transactions (customer L2000001 with
| 1,000,000 over 5 terminals, the rest over 49 others), each day of each terminal
| submitted by a closing, into MariaDB database `kundenportal_bench_closings` (created
| as root with `mariadb -uroot`). The last 2,000 payments of terminal 70000001 stay
| unclosed (brand totals only for L2000001's closings, the ones the page shows).
| Starts the real web server (production mode) and prints, in one run:
|
|   a) linking a closing of those 2,000 payments: `POST /api/v1/closings` vs one
|      set-based `UPDATE transactions t JOIN terminals …` in the mariadb client doing
|      the same link (median of alternating rounds, the link reset between rounds)
|                                                   (goal: client time / portal time ≥ 0.7)
|   b) p95 of „Kassenschnitte“ (GET /closings) vs the transaction list's page 1
|      (GET /transactions), logged in as the 1,000,000-row customer   (goal ≤ 1.5)
|
|   node --import=@poppinss/ts-exec bench/closings.ts
|
| The load (LOAD DATA LOCAL INFILE from a generated stream) is skipped when the database
| already holds the data set. Credentials from `.env.test` (override with DB_HOST, DB_PORT,
| DB_USER, DB_PASSWORD). Not part of the test suite.
*/
import { execFile } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import { promisify } from 'node:util'
import mysql from 'mysql2/promise'
import argon2 from 'argon2'
import { DateTime } from 'luxon'
import { ace, envTestSettings, median, serverEnv, startServer, stopServer } from './lib/server.js'

const DATABASE = 'kundenportal_bench_closings'
const TOTAL = 5_000_000
const CUSTOMERS = 50
const TERMINALS_PER_CUSTOMER = 5
const SPAN_DAYS = 390
const OPEN = 2_000
const BENCH_TID = '70000001'
const ROUNDS = 7
const PORT = 3410
const EMAIL = 'bench-closings@example.com'
const PASSWORD = 'Bench-Passwort-fuer-Kassenschnitte-1'
const SQL = 'yyyy-MM-dd HH:mm:ss'
const run = promisify(execFile)
const fmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 })
const BRANDS = ['girocard', 'girocard', 'girocard', 'visa', 'mastercard', 'maestro', 'vpay', 'amex']
const TYPES = ['sale', 'sale', 'sale', 'sale', 'sale', 'sale', 'sale', 'sale', 'refund', 'reversal']

type Db = { host: string; port: number; user: string; password: string }

async function dbSettings(): Promise<Db> {
  const base = await envTestSettings()
  return {
    host: process.env.DB_HOST ?? base.DB_HOST ?? '127.0.0.1',
    port: Number(process.env.DB_PORT ?? base.DB_PORT ?? 3306),
    user: process.env.DB_USER ?? base.DB_USER ?? 'kundenportal',
    password: process.env.DB_PASSWORD ?? base.DB_PASSWORD ?? 'kundenportal',
  }
}

async function createDatabase(user: string) {
  const sql = [
    `CREATE DATABASE IF NOT EXISTS ${DATABASE} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    `GRANT ALL PRIVILEGES ON ${DATABASE}.* TO '${user}'@'127.0.0.1'`,
    `GRANT ALL PRIVILEGES ON ${DATABASE}.* TO '${user}'@'localhost'`,
  ].join('; ')
  await run('mariadb', ['-uroot', '-e', sql])
}

/* ---------- the data set ---------- */

/** Row i: every 5th row belongs to customer 1, the rest round-robin over 49 customers. */
function layout(i: number) {
  const customer = i % 5 === 0 ? 1 : 2 + (Math.floor(i / 5) % (CUSTOMERS - 1))
  const terminal = (customer - 1) * TERMINALS_PER_CUSTOMER + ((i >> 3) % TERMINALS_PER_CUSTOMER) + 1
  return { customer, terminal }
}

async function load(conn: mysql.Connection, start: number) {
  const count = async (table: string) =>
    Number(((await conn.query(`SELECT COUNT(*) AS n FROM ${table}`)) as any)[0][0].n)
  if ((await count('transactions')) === TOTAL) {
    if ((await count('closing_totals')) > 0) {
      console.log(`load: ${fmt.format(TOTAL)} transactions already there`)
      return
    }
    return summarize(conn, Date.now())
  }
  console.log(`load: ${fmt.format(TOTAL)} transactions with their closings …`)
  const started = Date.now()
  await conn.query('SET FOREIGN_KEY_CHECKS=0')
  for (const table of [
    'payout_closings',
    'payout_fees',
    'payouts',
    'closing_totals',
    'closings',
    'transactions',
    'customer_user',
    'terminals',
    'customers',
    'users',
    'api_tokens',
  ]) {
    await conn.query(`TRUNCATE TABLE ${table}`)
  }
  await conn.query('SET FOREIGN_KEY_CHECKS=1')
  const now = DateTime.utc().toFormat(SQL)
  await conn.query(
    'INSERT INTO customers (id, customer_number, company_name, street, postal_code, city, country, settlement_rhythm, created_at, updated_at) VALUES ?',
    [
      Array.from({ length: CUSTOMERS }, (_, i) => [
        i + 1,
        `L${2_000_001 + i}`,
        `Bench Handel ${i + 1} GmbH`,
        'Hauptstraße 1',
        '60311',
        'Frankfurt am Main',
        'DE',
        i % 2 ? 'daily' : 'weekly',
        now,
        now,
      ]),
    ]
  )
  const terminals = []
  for (let id = 1; id <= CUSTOMERS * TERMINALS_PER_CUSTOMER; id++) {
    const customer = Math.ceil(id / TERMINALS_PER_CUSTOMER)
    terminals.push([
      id,
      String(70_000_000 + id),
      customer,
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

  /* a closing per terminal and day (id = (terminal - 1) * SPAN_DAYS + day + 1), at 21:00 UTC */
  const step = (SPAN_DAYS * 86_400_000 - 3_600_000) / TOTAL
  const closingOf = (terminal: number, at: number) =>
    (terminal - 1) * SPAN_DAYS + Math.floor((at - start) / 86_400_000) + 1
  /* the last OPEN rows of the bench terminal stay unclosed */
  let openFrom = TOTAL
  for (let i = TOTAL - 1, seen = 0; i >= 0 && seen < OPEN; i--) {
    if (layout(i).terminal === 1) {
      seen++
      openFrom = i
    }
  }
  const rows = Readable.from(
    (function* () {
      let chunk = ''
      for (let i = 0; i < TOTAL; i++) {
        const { customer, terminal } = layout(i)
        const at = Math.floor(start + i * step)
        const stamp = DateTime.fromMillis(at, { zone: 'utc' }).toFormat(SQL)
        const last4 = String(1000 + (i % 9000))
        const closing = terminal === 1 && i >= openFrom ? '\\N' : closingOf(terminal, at)
        chunk += `B${i}\t${customer}\t${terminal}\t${stamp}\t${TYPES[i % TYPES.length]}\t${i % 23 === 0 ? 'declined' : 'approved'}\t${100 + ((i * 7919) % 50_000)}\tEUR\t${BRANDS[i % BRANDS.length]}\t672000******${last4}\t${last4}\tA${i % 999_999}\t${100_000 + (i % 900_000)}\t${stamp}\t${closing}\n`
        if (chunk.length > 1 << 16) {
          yield Buffer.from(chunk)
          chunk = ''
        }
        if (i % 500_000 === 0) process.stdout.write(`  ${fmt.format(i)} rows\r`)
      }
      yield Buffer.from(chunk)
    })()
  )
  await conn.query({
    sql: `LOAD DATA LOCAL INFILE 'transactions.tsv' INTO TABLE transactions CHARACTER SET utf8mb4
      FIELDS TERMINATED BY '\\t' LINES TERMINATED BY '\\n'
      (reference, customer_id, terminal_id, occurred_at, type, status, amount_minor, currency, card_brand, pan_masked, pan_last4, auth_code, receipt_number, created_at, closing_id)`,
    infileStreamFactory: () => rows,
  } as any)
  console.log(`load: transactions in ${fmt.format((Date.now() - started) / 1000)} s`)
  await summarize(conn, started)
}

/** The closings and their totals, from what they link (set-based, in the server). */
async function summarize(conn: mysql.Connection, started: number) {
  await conn.query('DELETE FROM closing_totals')
  await conn.query('DELETE FROM closings')
  await conn.query(
    `INSERT INTO closings (id, customer_id, terminal_id, closing_number, closed_at, automatic, business_date,
       reported_count, reported_net_minor, girocard_net_minor, scheme_net_minor, linked_count, linked_net_minor,
       difference_minor, has_difference, girocard_expected_on, scheme_expected_on, created_at)
     SELECT t.closing_id, MIN(t.customer_id), MIN(t.terminal_id), MOD(t.closing_id - 1, ${SPAN_DAYS}) + 1,
       MAX(DATE(t.occurred_at)) + INTERVAL 21 HOUR, 0, MAX(DATE(t.occurred_at)),
       SUM(t.status = 'approved'),
       SUM(CASE WHEN t.status <> 'approved' THEN 0 WHEN t.type = 'sale' THEN t.amount_minor ELSE -t.amount_minor END),
       SUM(CASE WHEN t.status <> 'approved' OR t.card_brand <> 'girocard' THEN 0 WHEN t.type = 'sale' THEN t.amount_minor ELSE -t.amount_minor END),
       SUM(CASE WHEN t.status <> 'approved' OR t.card_brand = 'girocard' THEN 0 WHEN t.type = 'sale' THEN t.amount_minor ELSE -t.amount_minor END),
       SUM(t.status = 'approved'),
       SUM(CASE WHEN t.status <> 'approved' THEN 0 WHEN t.type = 'sale' THEN t.amount_minor ELSE -t.amount_minor END),
       0, 0, MAX(DATE(t.occurred_at)) + INTERVAL 1 DAY, MAX(DATE(t.occurred_at)) + INTERVAL 7 DAY,
       MAX(DATE(t.occurred_at)) + INTERVAL 21 HOUR
     FROM transactions t WHERE t.closing_id IS NOT NULL GROUP BY t.closing_id`
  )
  await conn.query(
    `INSERT INTO closing_totals (closing_id, card_brand, reported_sales_count, reported_sales_minor,
       reported_refunds_count, reported_refunds_minor, reported_reversals_count, reported_reversals_minor,
       linked_sales_count, linked_sales_minor, linked_refunds_count, linked_refunds_minor,
       linked_reversals_count, linked_reversals_minor)
     SELECT closing_id, card_brand,
       SUM(type = 'sale'), SUM(IF(type = 'sale', amount_minor, 0)),
       SUM(type = 'refund'), SUM(IF(type = 'refund', amount_minor, 0)),
       SUM(type = 'reversal'), SUM(IF(type = 'reversal', amount_minor, 0)),
       SUM(type = 'sale'), SUM(IF(type = 'sale', amount_minor, 0)),
       SUM(type = 'refund'), SUM(IF(type = 'refund', amount_minor, 0)),
       SUM(type = 'reversal'), SUM(IF(type = 'reversal', amount_minor, 0))
     FROM transactions WHERE customer_id = 1 AND closing_id IS NOT NULL AND status = 'approved'
     GROUP BY closing_id, card_brand`
  )
  await conn.query(
    `UPDATE terminals term SET last_closed_at =
       (SELECT MAX(closed_at) FROM closings c WHERE c.terminal_id = term.id)`
  )
  await conn.query('ANALYZE TABLE transactions, closings, closing_totals')
  console.log(`load: done in ${fmt.format((Date.now() - started) / 1000)} s`)
}

/* ---------- the portal ---------- */

async function login(base: string) {
  const jar = new Map<string, string>()
  const keep = (response: Response) => {
    for (const c of response.headers.getSetCookie()) {
      const [pair] = c.split(';')
      const i = pair.indexOf('=')
      jar.set(pair.slice(0, i), pair.slice(i + 1))
    }
  }
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
  const page = await fetch(`${base}/login`)
  keep(page)
  const token = (await page.text()).match(/name=['"]_csrf['"] value=['"]([^'"]+)['"]/)![1]
  const response = await fetch(`${base}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'cookie': cookie() },
    body: new URLSearchParams({ email: EMAIL, password: PASSWORD, _csrf: token }),
    redirect: 'manual',
  })
  keep(response)
  if (response.status !== 302 || response.headers.get('location')?.startsWith('/login')) {
    throw new Error(`login failed: ${response.status}`)
  }
  jar.set('kp_locale', 'de')
  return cookie()
}

async function timed(url: string, cookie: string) {
  const t0 = performance.now()
  const response = await fetch(url, { headers: { cookie }, redirect: 'manual' })
  const body = await response.text()
  if (response.status !== 200) throw new Error(`${url}: ${response.status} ${body.slice(0, 300)}`)
  return performance.now() - t0
}

async function p95(url: string, cookie: string, n: number) {
  const times: number[] = []
  for (let i = 0; i < n; i++) times.push(await timed(url, cookie))
  times.sort((a, b) => a - b)
  return times[Math.ceil(n * 0.95) - 1]
}

async function main() {
  const settings = await dbSettings()
  await createDatabase(settings.user)
  const env = await serverEnv({
    PORT: String(PORT),
    DB_DATABASE: DATABASE,
    DB_HOST: settings.host,
    DB_PORT: String(settings.port),
    DB_USER: settings.user,
    DB_PASSWORD: settings.password,
    QUEUE_PREFIX: 'kp-bench-closings',
    API_RATE_LIMIT: '100000',
  })
  delete env.LOG_FILE
  await ace(['migration:run', '--force'], env)
  const conn = await mysql.createConnection({
    ...settings,
    database: DATABASE,
    timezone: 'Z',
    supportBigNumbers: true,
    multipleStatements: true,
  })
  const [[first]] = (await conn.query('SELECT MIN(occurred_at) AS at FROM transactions')) as any
  const start = first?.at
    ? first.at.getTime()
    : DateTime.utc().startOf('day').minus({ days: SPAN_DAYS }).toMillis()
  await load(conn, start)

  const token = `kp_${randomBytes(32).toString('base64url')}`
  await conn.query(
    `INSERT INTO api_tokens (name, token_hash, created_at) VALUES ('bench-closings', ?, UTC_TIMESTAMP())`,
    [createHash('sha256').update(token).digest('hex')]
  )
  const web = await startServer(env)
  const base = `http://127.0.0.1:${PORT}`
  try {
    /* ---------- a) the link ---------- */
    const [[open]] = (await conn.query(
      `SELECT COUNT(*) AS n, MAX(t.occurred_at) AS last FROM transactions t JOIN terminals term ON term.id = t.terminal_id
       WHERE term.terminal_id = ? AND t.closing_id IS NULL`,
      [BENCH_TID]
    )) as any
    const closedAt = DateTime.fromJSDate(open.last).toUTC().plus({ seconds: 1 })
    const closedSql = closedAt.toFormat(SQL)
    const [[last]] = (await conn.query(
      `SELECT COALESCE(MAX(c.closing_number), 0) AS n FROM closings c JOIN terminals term ON term.id = c.terminal_id WHERE term.terminal_id = ?`,
      [BENCH_TID]
    )) as any
    const number = Number(last.n) + 1
    const [[linkedBefore]] = (await conn.query(
      `SELECT last_closed_at FROM terminals WHERE terminal_id = ?`,
      [BENCH_TID]
    )) as any
    console.log(
      `\na) linking one closing of ${fmt.format(Number(open.n))} unclosed payments (terminal ${BENCH_TID}, ${fmt.format(TOTAL)}-row table), ${ROUNDS} alternating rounds`
    )
    const reset = async () => {
      await conn.query(
        `UPDATE transactions t JOIN terminals term ON term.id = t.terminal_id
         SET t.closing_id = NULL WHERE term.terminal_id = ? AND t.closing_id >= 1000000`,
        [BENCH_TID]
      )
      const [closings] = (await conn.query(
        `SELECT c.id FROM closings c JOIN terminals term ON term.id = c.terminal_id WHERE term.terminal_id = ? AND c.closing_number = ?`,
        [BENCH_TID, number]
      )) as any
      for (const { id } of closings) {
        await conn.query('DELETE FROM closing_totals WHERE closing_id = ?', [id])
        await conn.query('UPDATE transactions SET closing_id = NULL WHERE closing_id = ?', [id])
        await conn.query('DELETE FROM closings WHERE id = ?', [id])
      }
      await conn.query('UPDATE terminals SET last_closed_at = ? WHERE terminal_id = ?', [
        linkedBefore.last_closed_at,
        BENCH_TID,
      ])
      /* the portal's closing ids are far below; the client's link uses a marker id */
      await conn.query(`ALTER TABLE closings AUTO_INCREMENT = ${SPAN_DAYS * 250 + 10}`)
    }
    const body = JSON.stringify({
      closings: [
        {
          terminal_id: BENCH_TID,
          closing_number: number,
          closed_at: closedAt.toISO(),
          totals: [],
        },
      ],
    })
    const portal: number[] = []
    const client: number[] = []
    const cli = [
      '-h',
      settings.host,
      '-P',
      String(settings.port),
      '-u',
      settings.user,
      `-p${settings.password}`,
      DATABASE,
      '-e',
      `UPDATE transactions t JOIN terminals term ON term.id = t.terminal_id SET t.closing_id = 1000001 WHERE term.terminal_id = '${BENCH_TID}' AND t.closing_id IS NULL AND t.occurred_at <= '${closedSql}'`,
    ]
    await reset()
    for (let round = 0; round <= ROUNDS; round++) {
      const t0 = performance.now()
      const response = await fetch(`${base}/api/v1/closings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'authorization': `Bearer ${token}` },
        body,
      })
      const answer = (await response.json()) as any
      const portalMs = performance.now() - t0
      if (answer.results?.[0]?.status !== 'created' || answer.results[0].linked_count === 0) {
        throw new Error(`closing not created: ${JSON.stringify(answer)}`)
      }
      await reset()
      const t1 = performance.now()
      await run('mariadb', cli)
      const clientMs = performance.now() - t1
      const [[check]] = (await conn.query(
        'SELECT COUNT(*) AS n FROM transactions WHERE closing_id = 1000001'
      )) as any
      await reset()
      /* round 0 warms both up */
      if (round === 0) continue
      portal.push(portalMs)
      client.push(clientMs)
      console.log(
        `   round ${round}: portal ${fmt.format(portalMs)} ms (${answer.results[0].linked_count} linked) · mariadb ${fmt.format(clientMs)} ms (${check.n} linked)`
      )
    }
    const portalMedian = median(portal)
    const clientMedian = median(client)
    console.log(
      `   median portal POST /api/v1/closings ${fmt.format(portalMedian)} ms · mariadb UPDATE…JOIN ${fmt.format(clientMedian)} ms · ratio ${fmt.format(clientMedian / portalMedian)} (goal ≥ 0.7)`
    )

    /* ---------- b) the pages ---------- */
    const cookie = await login(base)
    const closingsUrl = `${base}/closings`
    const transactionsUrl = `${base}/transactions`
    console.log('\nb) p95 of 30 sequential requests, logged in as the 1,000,000-row customer')
    let closingsP95: number | undefined
    try {
      await p95(closingsUrl, cookie, 3)
      closingsP95 = await p95(closingsUrl, cookie, 30)
    } catch (error) {
      console.log(`   GET /closings failed: ${(error as Error).message.slice(0, 200)}`)
    }
    await p95(transactionsUrl, cookie, 3)
    const listP95 = await p95(transactionsUrl, cookie, 30)
    if (closingsP95 !== undefined) {
      console.log(
        `   „Kassenschnitte“ ${fmt.format(closingsP95)} ms · transactions page 1 ${fmt.format(listP95)} ms · ratio ${fmt.format(closingsP95 / listP95)} (goal ≤ 1.5)`
      )
    } else {
      console.log(`   transactions page 1 ${fmt.format(listP95)} ms · „Kassenschnitte“ n/a`)
    }
  } finally {
    await conn.query(`DELETE FROM api_tokens WHERE name = 'bench-closings'`)
    await conn.end()
    await stopServer(web)
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
