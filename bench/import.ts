/*
| Master-data import benchmark (issue 2): 1,000,000 terminal rows (and their customers)
| through `node ace import:terminals`, compared with LOAD DATA LOCAL INFILE of the same
| rows into the same, truncated table. Goal: import rows/s ≥ 0.3 × LOAD DATA rows/s.
|
|   node --import=@poppinss/ts-exec bench/import.ts [rows]
|
| Uses MariaDB database `kundenportal_bench_import` (created with `mariadb -e` as root when
| that works, which also sets `local_infile=1`) and the credentials of `.env.test`
| (override with DB_HOST, DB_PORT, DB_USER, DB_PASSWORD, BENCH_DATABASE). See docs/import.md.
*/
import { execFile, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs'
import { mkdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import mysql from 'mysql2/promise'

const ROWS = Number(process.argv[2] ?? 1_000_000)
const TERMINALS_PER_CUSTOMER = 10
const CUSTOMERS = Math.ceil(ROWS / TERMINALS_PER_CUSTOMER)
const DATABASE = process.env.BENCH_DATABASE ?? 'kundenportal_bench_import'
const ROOT = new URL('../', import.meta.url).pathname
const DIR = join(tmpdir(), 'kp-bench-import')
const number = new Intl.NumberFormat('en-US')

const dbOptions = {
  host: process.env.DB_HOST ?? '127.0.0.1',
  port: Number(process.env.DB_PORT ?? 3306),
  user: process.env.DB_USER ?? 'kundenportal',
  password: process.env.DB_PASSWORD ?? 'kundenportal',
  database: DATABASE,
}
const childEnv = {
  ...process.env,
  NODE_ENV: 'test',
  DB_CONNECTION: 'mysql',
  DB_DATABASE: DATABASE,
  LOG_LEVEL: 'warn',
}

const STREETS = ['Hauptstraße', 'Bahnhofstraße', 'Schillerstraße', 'Goethestraße', 'Ringstraße']
const CITIES: [string, string][] = [
  ['10115', 'Berlin'],
  ['20095', 'Hamburg'],
  ['80331', 'München'],
  ['50667', 'Köln'],
  ['60311', 'Frankfurt am Main'],
]
const MODELS = ['Ingenico Move/5000', 'Verifone V240m', 'PAX A920', 'Ingenico Desk/3500']
const STATUSES = ['active', 'active', 'active', 'active', 'inactive', 'blocked', 'decommissioned']

/** Terminal i, deterministic, as the CSV gives it and as the table stores it. */
function terminal(i: number) {
  const [postalCode, city] = CITIES[i % CITIES.length]
  const day = (i % 28) + 1
  const month = (i % 12) + 1
  const year = 2015 + (i % 10)
  const feeMinor = 1490 + (i % 4) * 500
  const iso = `${year}-${pad(month)}-${pad(day)}`
  return {
    terminalId: String(10_000_000 + i),
    customerNumber: `L${1_000_000 + Math.floor(i / TERMINALS_PER_CUSTOMER)}`,
    model: MODELS[i % MODELS.length],
    serialNumber: `SN${String(i).padStart(9, '0')}`,
    street: `${STREETS[i % STREETS.length]} ${(i % 200) + 1}`,
    postalCode,
    city,
    status: STATUSES[i % STATUSES.length],
    installedAt: iso,
    /* half the rows use the German date and decimal comma, as exports from Excel do */
    installedAtCsv: i % 2 ? `${pad(day)}.${pad(month)}.${year}` : iso,
    feeMinor,
    feeCsv: `${Math.floor(feeMinor / 100)}${i % 2 ? ',' : '.'}${pad(feeMinor % 100)}`,
  }
}

function customerLine(n: number) {
  const customerNumber = `L${1_000_000 + n}`
  const [postalCode, city] = CITIES[n % CITIES.length]
  /* every 20th name holds the delimiter, so it is quoted */
  const company = n % 20 === 0 ? `"Müller; Söhne ${n} GmbH"` : `Händler ${n} GmbH`
  return `${customerNumber};${company};${STREETS[n % STREETS.length]} ${n % 90};${postalCode};${city};DE;kasse${n}@example.com;030 ${n};;\n`
}

async function writeLines(path: string, count: number, line: (i: number) => string, header = '') {
  const out = createWriteStream(path)
  let buffer = header
  for (let i = 0; i < count; i++) {
    buffer += line(i)
    if (buffer.length > 1 << 16) {
      await write(out, buffer)
      buffer = ''
    }
  }
  await write(out, buffer)
  out.end()
  await once(out, 'close')
}

async function write(out: WriteStream, chunk: string) {
  if (!out.write(chunk)) await once(out, 'drain')
}

function pad(value: number) {
  return String(value).padStart(2, '0')
}

/** Runs `node ace …`, returns wall time and output; progress lines go to our stderr. */
async function ace(args: string[]) {
  const started = performance.now()
  /* --expose-gc lets the progress lines show the live heap after a GC */
  const child = spawn(process.execPath, ['--expose-gc', 'ace', ...args, '--no-ansi'], {
    cwd: ROOT,
    env: childEnv,
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (data) => (stdout += data))
  child.stderr.on('data', (data) => {
    stderr += data
    process.stderr.write(`    ${data}`)
  })
  const [code] = await once(child, 'close')
  return { code, stdout, stderr, seconds: (performance.now() - started) / 1000 }
}

function parseSummary(output: string) {
  const plain = output
  const match =
    /read ([\d,]+), inserted ([\d,]+), updated ([\d,]+), unchanged ([\d,]+), failed ([\d,]+) in ([\d.]+) s \(([\d,]+) rows\/s, peak RSS (\d+) MiB\)/.exec(
      plain
    )
  if (!match) throw new Error(`no summary in the import output:\n${plain}`)
  const n = (i: number) => Number(match[i].replaceAll(',', ''))
  return {
    read: n(1),
    inserted: n(2),
    updated: n(3),
    unchanged: n(4),
    failed: n(5),
    seconds: Number(match[6]),
    rate: n(7),
    peakRssMiB: n(8),
  }
}

async function main() {
  console.log(
    `# import benchmark: ${number.format(ROWS)} terminals, ${number.format(CUSTOMERS)} customers`
  )
  try {
    await promisify(execFile)('mariadb', [
      '-e',
      `CREATE DATABASE IF NOT EXISTS \`${DATABASE}\`; SET GLOBAL local_infile = 1`,
    ])
  } catch (error) {
    console.log(`(mariadb as root not available: ${(error as Error).message.split('\n')[0]};`)
    console.log(` expecting database ${DATABASE} and local_infile=1 to exist already)`)
  }
  const migrate = await ace(['migration:run', '--force'])
  if (migrate.code !== 0) throw new Error(`migration failed:\n${migrate.stdout}${migrate.stderr}`)

  await mkdir(DIR, { recursive: true })
  const customersCsv = join(DIR, 'customers.csv')
  const terminalsCsv = join(DIR, 'terminals.csv')
  const terminalsTsv = join(DIR, 'terminals.load-data.tsv')
  let started = performance.now()
  await writeLines(
    customersCsv,
    CUSTOMERS,
    customerLine,
    'customer_number;company_name;street;postal_code;city;country;email;phone;vat_id;iban\n'
  )
  await writeLines(
    terminalsCsv,
    ROWS,
    (i) => {
      const t = terminal(i)
      return `${t.terminalId},${t.customerNumber},${t.model},${t.serialNumber},${t.street},${t.postalCode},${t.city},${t.status},${t.installedAtCsv},"${t.feeCsv}"\n`
    },
    'terminal_id,customer_number,model,serial_number,street,postal_code,city,status,installed_at,monthly_fee\n'
  )
  const size = (await stat(terminalsCsv)).size
  console.log(
    `generated ${terminalsCsv} (${(size / 1048576).toFixed(0)} MiB) in ${((performance.now() - started) / 1000).toFixed(1)} s`
  )

  const connection = await mysql.createConnection({
    ...dbOptions,
    infileStreamFactory: (path: string) => createReadStream(path),
  })
  const truncate = async (...tables: string[]) => {
    await connection.query('SET FOREIGN_KEY_CHECKS = 0')
    for (const table of tables) await connection.query(`TRUNCATE TABLE \`${table}\``)
    await connection.query('SET FOREIGN_KEY_CHECKS = 1')
  }
  await truncate('transactions', 'terminals', 'customers')

  const customers = await ace(['import:customers', customersCsv])
  const customerSummary = parseSummary(customers.stdout + customers.stderr)
  console.log(
    `import:customers  ${number.format(customerSummary.read)} rows: ${customerSummary.seconds} s, ${number.format(customerSummary.rate)} rows/s (exit ${customers.code})`
  )

  const first = await ace(['import:terminals', terminalsCsv])
  const summary = parseSummary(first.stdout + first.stderr)
  const rssSamples = [...first.stderr.matchAll(/RSS (\d+) MiB/g)].map((m) => Number(m[1]))
  const heapSamples = [...first.stderr.matchAll(/heap (\d+) MiB/g)].map((m) => Number(m[1]))
  console.log(
    `import:terminals  ${number.format(summary.read)} rows: inserted ${number.format(summary.inserted)}, failed ${summary.failed}, exit ${first.code}`
  )
  console.log(
    `  import ${summary.seconds} s → ${number.format(summary.rate)} rows/s; whole command incl. app boot ${first.seconds.toFixed(1)} s → ${number.format(Math.round(ROWS / first.seconds))} rows/s`
  )
  console.log(
    `  peak RSS ${summary.peakRssMiB} MiB; RSS at progress ticks: first ${rssSamples[0]} MiB, last ${rssSamples.at(-1)} MiB, max ${Math.max(...rssSamples)} MiB; live heap after GC ${Math.min(...heapSamples)}–${Math.max(...heapSamples)} MiB`
  )

  const again = await ace(['import:terminals', terminalsCsv])
  const second = parseSummary(again.stdout + again.stderr)
  console.log(
    `import:terminals again (idempotent): inserted ${second.inserted}, updated ${second.updated}, unchanged ${number.format(second.unchanged)} in ${second.seconds} s (${number.format(second.rate)} rows/s)`
  )

  /* LOAD DATA gets the rows in their final form (customer ids resolved, cents, ISO dates) */
  const [ids] = await connection.query<mysql.RowDataPacket[]>(
    'SELECT id, customer_number FROM customers'
  )
  const customerIds = new Map(ids.map((row) => [row.customer_number as string, row.id as number]))
  const now = new Date().toISOString().slice(0, 19).replace('T', ' ')
  await writeLines(terminalsTsv, ROWS, (i) => {
    const t = terminal(i)
    return `${t.terminalId}\t${customerIds.get(t.customerNumber)}\t${t.model}\t${t.serialNumber}\t${t.street}\t${t.postalCode}\t${t.city}\t${t.status}\t${t.installedAt}\t${t.feeMinor}\t${now}\t${now}\n`
  })
  await truncate('terminals')
  started = performance.now()
  const [result] = await connection.query<mysql.ResultSetHeader>(
    `LOAD DATA LOCAL INFILE ? INTO TABLE terminals CHARACTER SET utf8mb4
     FIELDS TERMINATED BY '\\t' LINES TERMINATED BY '\\n'
     (terminal_id, customer_id, model, serial_number, street, postal_code, city, status,
      installed_at, monthly_fee_minor, created_at, updated_at)`,
    [terminalsTsv]
  )
  const loadSeconds = (performance.now() - started) / 1000
  const loadRate = Math.round(result.affectedRows / loadSeconds)
  console.log(
    `LOAD DATA LOCAL INFILE  ${number.format(result.affectedRows)} rows: ${loadSeconds.toFixed(1)} s → ${number.format(loadRate)} rows/s`
  )
  await connection.end()

  const ratio = summary.rate / loadRate
  const wallRatio = ROWS / first.seconds / loadRate
  console.log(
    `ratio import/LOAD DATA = ${ratio.toFixed(2)} (whole command incl. boot: ${wallRatio.toFixed(2)}); goal ≥ 0.30 → ${ratio >= 0.3 ? 'PASS' : 'FAIL'}`
  )
  await rm(DIR, { recursive: true, force: true })
  if (ratio < 0.3 || summary.failed > 0 || second.unchanged !== ROWS) process.exitCode = 1
}

await main()
