/*
| Ingest API benchmark (issues 4 and 19): 200,000 transactions over HTTP in batches of
| 1,000 with 4 concurrent clients, compared with (a) LOAD DATA LOCAL INFILE of the same rows
| into the same, truncated table and (b) single-row INSERTs (autocommit). Goals: ratio to
| LOAD DATA ≥ 0.7 (median of BENCH_ROUNDS alternating rounds), to single-row INSERTs ≥ 5.
| After each HTTP round the list's totals are rolled up as the worker does (ADR 1901) and
| its time is printed beside, with the ratio of ingest + rollup one after the other.
|
|   node --import=@poppinss/ts-exec bench/ingest.ts [rows] [single-row sample]
|
| Uses MariaDB database `kundenportal_bench_ingest` (created with `mariadb -e` as root when
| that works, which also sets `local_infile=1`), the credentials of `.env.test` (override with
| DB_HOST, DB_PORT, DB_USER, DB_PASSWORD, BENCH_DATABASE) and a web server it starts itself
| on BENCH_PORT (default 3499), run as in production (bench/lib/server.ts). See docs/api.md.
*/
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import http from 'node:http'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { DateTime } from 'luxon'
import mysql from 'mysql2/promise'
import {
  simulatedTransaction,
  type SimulatedTransaction,
} from '#services/ingest/simulated_transactions'
import {
  ace,
  cpuSeconds,
  median,
  ownCpuSeconds,
  pidOf,
  serverEnv,
  startServer,
  stopServer,
} from './lib/server.js'

const ROWS = Number(process.argv[2] ?? 200_000)
const SINGLE_ROWS = Math.min(ROWS, Number(process.argv[3] ?? 20_000))
const BATCH = 1000
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 4)
/* rounds of HTTP then LOAD DATA; the ratio is the median of the rounds' ratios */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const CUSTOMERS = 100
const TERMINALS_PER_CUSTOMER = 5
const DATABASE = process.env.BENCH_DATABASE ?? 'kundenportal_bench_ingest'
const PORT = Number(process.env.BENCH_PORT ?? 3499)
const DIR = join(tmpdir(), 'kp-bench-ingest')
const number = new Intl.NumberFormat('en-US')

const COLUMNS =
  'reference, customer_id, terminal_id, occurred_at, type, status, amount_minor, currency, card_brand, pan_masked, pan_last4, auth_code, receipt_number, created_at'

type Terminal = { id: number; tid: string; customerId: number }

/** The row as the table stores it, for LOAD DATA and the single-row INSERTs. */
function toRow(item: SimulatedTransaction, terminal: Terminal, now: string) {
  return [
    item.reference,
    terminal.customerId,
    terminal.id,
    DateTime.fromISO(item.occurred_at).toUTC().toFormat('yyyy-MM-dd HH:mm:ss'),
    item.type,
    item.status,
    item.amount_minor,
    item.currency,
    item.card_brand,
    item.pan_masked.replaceAll('•', '*'),
    item.pan_masked.slice(-4),
    item.auth_code,
    item.receipt_number,
    now,
  ]
}

const tsvValue = (value: unknown) => (value === null ? '\\N' : String(value))

async function setupDatabase(db: mysql.Connection) {
  await db.query('SET FOREIGN_KEY_CHECKS=0')
  for (const table of [
    'transactions',
    'transaction_totals',
    'transaction_totals_pending',
    'terminals',
    'customers',
    'api_tokens',
  ])
    await db.query(`TRUNCATE TABLE ${table}`)
  await db.query('SET FOREIGN_KEY_CHECKS=1')
  const customers = Array.from({ length: CUSTOMERS }, (_, i) => [
    `L${2_000_000 + i}`,
    `Benchhandel ${i} GmbH`,
    'Hauptstraße 1',
    '60311',
    'Frankfurt am Main',
    'DE',
  ])
  await db.query(
    'INSERT INTO customers (customer_number, company_name, street, postal_code, city, country, created_at, updated_at) VALUES ?',
    [customers.map((c) => [...c, new Date(), new Date()])]
  )
  const [customerRows] = await db.query<mysql.RowDataPacket[]>(
    'SELECT id FROM customers ORDER BY id'
  )
  const terminals = customerRows.flatMap((customer, c) =>
    Array.from({ length: TERMINALS_PER_CUSTOMER }, (_, t) => [
      String(60_000_000 + c * TERMINALS_PER_CUSTOMER + t),
      customer.id,
      'Ingenico Move/5000',
      `SNB${c}-${t}`,
      'Hauptstraße 1',
      '60311',
      'Frankfurt am Main',
      'active',
      1990,
      new Date(),
      new Date(),
    ])
  )
  await db.query(
    'INSERT INTO terminals (terminal_id, customer_id, model, serial_number, street, postal_code, city, status, monthly_fee_minor, created_at, updated_at) VALUES ?',
    [terminals]
  )
  const [rows] = await db.query<mysql.RowDataPacket[]>(
    'SELECT id, terminal_id AS tid, customer_id AS customerId FROM terminals'
  )
  const token = `kp_bench_${Date.now()}`
  await db.query('INSERT INTO api_tokens (name, token_hash, created_at) VALUES (?, ?, NOW())', [
    'bench',
    createHash('sha256').update(token).digest('hex'),
  ])
  return { terminals: rows as Terminal[], token }
}

/**
 * One POST of a batch over a kept-alive connection; resolves with status and parsed answer.
 * (node:http rather than fetch: the client shares the machine with the server and the
 * database, and fetch costs it about twice the CPU per request.)
 */
function post(agent: http.Agent, body: Buffer, token: string) {
  return new Promise<{ status: number; answer: { counts: { created: number } } }>(
    (resolve, reject) => {
      const request = http.request(
        {
          agent,
          host: '127.0.0.1',
          port: PORT,
          path: '/api/v1/transactions',
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': body.length,
            'authorization': `Bearer ${token}`,
          },
        },
        (response) => {
          const chunks: Buffer[] = []
          response.on('data', (chunk: Buffer) => chunks.push(chunk))
          response.on('end', () => {
            try {
              const answer = JSON.parse(Buffer.concat(chunks).toString())
              resolve({ status: response.statusCode ?? 0, answer })
            } catch (error) {
              reject(error)
            }
          })
          response.on('error', reject)
        }
      )
      request.on('error', reject)
      request.end(body)
    }
  )
}

/** The request bodies: the items in batches of `BATCH`, as JSON. */
function toBatches(items: SimulatedTransaction[]) {
  const batches: Buffer[] = []
  for (let i = 0; i < items.length; i += BATCH)
    batches.push(Buffer.from(JSON.stringify({ transactions: items.slice(i, i + BATCH) })))
  return batches
}

/** `CLIENTS` clients, each taking the next batch until none is left. Returns seconds. */
async function sendOverHttp(batches: Buffer[], token: string) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS })
  let next = 0
  let created = 0
  const client = async () => {
    while (next < batches.length) {
      const { status, answer } = await post(agent, batches[next++], token)
      if (status !== 200) throw new Error(`API answered ${status}`)
      created += answer.counts.created
    }
  }
  const started = performance.now()
  try {
    await Promise.all(Array.from({ length: CLIENTS }, client))
  } finally {
    agent.destroy()
  }
  const seconds = (performance.now() - started) / 1000
  const expected = batches.length * BATCH
  if (created !== expected) throw new Error(`only ${created} of ${expected} created`)
  return seconds
}

async function main() {
  try {
    await promisify(execFile)('mariadb', [
      '-e',
      `CREATE DATABASE IF NOT EXISTS \`${DATABASE}\`; SET GLOBAL local_infile = 1`,
    ])
  } catch (error) {
    console.log(`(mariadb as root not available: ${(error as Error).message.split('\n')[0]};`)
    console.log(` expecting database ${DATABASE} and local_infile=1 to exist already)`)
  }
  const env = await serverEnv({
    PORT: String(PORT),
    DB_DATABASE: DATABASE,
    QUEUE_PREFIX: `kp-bench-ingest-${process.pid}`,
  })
  await ace(['migration:run', '--force', '--disable-locks'], env)

  const db = await mysql.createConnection({
    host: env.DB_HOST,
    port: Number(env.DB_PORT),
    user: env.DB_USER,
    password: env.DB_PASSWORD,
    database: DATABASE,
    infileStreamFactory: (path: string) => createReadStream(path),
  })
  const { terminals, token } = await setupDatabase(db)

  /* the same 200,000 rows for every method: spread over the last 30 days, all terminals */
  const base = DateTime.now().minus({ minutes: 10 })
  const items = Array.from({ length: ROWS }, (_, i) =>
    simulatedTransaction(terminals[i % terminals.length].tid, base.minus({ seconds: i * 13 }))
  )
  const byTid = new Map(terminals.map((t) => [t.tid, t]))
  const now = DateTime.utc().toFormat('yyyy-MM-dd HH:mm:ss')
  const rows = items.map((item) => toRow(item, byTid.get(item.terminal_id)!, now))
  console.log(
    `${number.format(ROWS)} transactions, ${terminals.length} terminals of ${CUSTOMERS} customers; MariaDB database ${DATABASE}`
  )

  const dbPid = await pidOf('mariadbd')
  await mkdir(DIR, { recursive: true })
  const file = join(DIR, 'transactions.tsv')
  await writeFile(file, rows.map((row) => row.map(tsvValue).join('\t')).join('\n') + '\n')

  /** An empty table and no dirty pages left from the round before, so each method starts alike. */
  const freshTable = async () => {
    for (const table of ['transactions', 'transaction_totals', 'transaction_totals_pending'])
      await db.query(`TRUNCATE TABLE ${table}`)
    for (let i = 0; i < 60; i++) {
      const [status] = await db.query<mysql.RowDataPacket[]>(
        "SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_pages_dirty'"
      )
      if (Number(status[0]?.Value ?? 0) === 0) break
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
  }

  const batches = toBatches(items)

  /* alternate the two methods; each round compares them at the same moment of a shared machine */
  const server = await startServer(env)
  const rounds: { http: number; load: number; rollup: number }[] = []
  try {
    /* warm up (JIT, lazily loaded modules, pools) with other rows */
    const warmup = Array.from({ length: 5 * BATCH }, (_, i) =>
      simulatedTransaction(terminals[i % terminals.length].tid, base)
    )
    await sendOverHttp(toBatches(warmup), token)

    for (let round = 1; round <= ROUNDS; round++) {
      /* 1. the ingest API over HTTP */
      await freshTable()
      const cpuBefore = [await cpuSeconds(server.pid), await cpuSeconds(dbPid), ownCpuSeconds()]
      const httpSeconds = await sendOverHttp(batches, token)
      const cpuAfter = [await cpuSeconds(server.pid), await cpuSeconds(dbPid), ownCpuSeconds()]
      const httpRate = ROWS / httpSeconds
      const cpu = cpuAfter.map((value, i) => (value - cpuBefore[i]).toFixed(1))
      console.log(
        `round ${round}: HTTP ingest (${BATCH}/request, ${CLIENTS} clients): ${httpSeconds.toFixed(1)} s → ${number.format(Math.round(httpRate))} rows/s` +
          ` (CPU: web server ${cpu[0]} s, mariadbd ${cpu[1]} s, bench client ${cpu[2]} s)`
      )

      /*
       * the worker's share: the list's totals for these rows (ADR 1901), run here as the
       * operator command does it, so its cost is shown beside the ingest's
       */
      const rollupStarted = performance.now()
      const rollupDbBefore = await cpuSeconds(dbPid)
      await ace(['transactions:totals', '--rollup'], env)
      const rollupSeconds = (performance.now() - rollupStarted) / 1000
      console.log(
        `round ${round}: totals rollup of these rows (the worker's job, as \`node ace transactions:totals --rollup\`): ${rollupSeconds.toFixed(1)} s (CPU: mariadbd ${((await cpuSeconds(dbPid)) - rollupDbBefore).toFixed(1)} s; includes starting ace)`
      )

      /* 2. LOAD DATA LOCAL INFILE of the same rows into the same, truncated table */
      await freshTable()
      const started = performance.now()
      const dbBefore = await cpuSeconds(dbPid)
      const [loaded] = await db.query<mysql.ResultSetHeader>({
        sql: `LOAD DATA LOCAL INFILE ? INTO TABLE transactions CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' LINES TERMINATED BY '\\n' (${COLUMNS})`,
        values: [file],
      })
      const loadSeconds = (performance.now() - started) / 1000
      const loadRate = loaded.affectedRows / loadSeconds
      console.log(
        `round ${round}: LOAD DATA LOCAL INFILE: ${number.format(loaded.affectedRows)} rows in ${loadSeconds.toFixed(1)} s → ${number.format(Math.round(loadRate))} rows/s` +
          ` (CPU: mariadbd ${((await cpuSeconds(dbPid)) - dbBefore).toFixed(1)} s)`
      )
      rounds.push({ http: httpRate, load: loadRate, rollup: rollupSeconds })
    }
  } finally {
    await stopServer(server)
  }
  const httpRate = median(rounds.map((r) => r.http))
  const loadRate = median(rounds.map((r) => r.load))
  const toLoad = median(rounds.map((r) => r.http / r.load))

  /* 3. single-row INSERTs, autocommit, one connection (a sample: they are slow) */
  await freshTable()
  const sql = `INSERT INTO transactions (${COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`
  const started = performance.now()
  for (let i = 0; i < SINGLE_ROWS; i++) await db.execute(sql, rows[i])
  const singleSeconds = (performance.now() - started) / 1000
  const singleRate = SINGLE_ROWS / singleSeconds
  console.log(
    `single-row INSERTs (autocommit, first ${number.format(SINGLE_ROWS)} rows): ${singleSeconds.toFixed(1)} s → ${number.format(Math.round(singleRate))} rows/s`
  )

  const toSingle = httpRate / singleRate
  console.log(
    `medians of ${ROUNDS} rounds: HTTP ${number.format(Math.round(httpRate))} rows/s, LOAD DATA ${number.format(Math.round(loadRate))} rows/s`
  )
  console.log(
    `ratio HTTP/LOAD DATA = ${toLoad.toFixed(2)} (median of the rounds' ratios: ${rounds.map((r) => (r.http / r.load).toFixed(2)).join(', ')}); goal ≥ 0.7 → ${toLoad >= 0.7 ? 'PASS' : 'FAIL'}`
  )
  console.log(
    `ratio HTTP/single-row = ${toSingle.toFixed(1)}; goal ≥ 5 → ${toSingle >= 5 ? 'PASS' : 'FAIL'}`
  )

  const withRollup = median(rounds.map((r) => ROWS / (ROWS / r.http + r.rollup) / r.load))
  console.log(
    `(for comparison: HTTP ingest followed by the totals rollup, one after the other, vs LOAD DATA = ${withRollup.toFixed(2)}; the worker runs the rollup beside the ingest, every 5 s)`
  )

  await db.query('TRUNCATE TABLE transactions')
  await db.end()
  await rm(DIR, { recursive: true, force: true })
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
