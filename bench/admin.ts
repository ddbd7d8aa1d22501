/*
| Support look-ups at scale (issue 6). Seeds 200,000 merchant users (each linked to
| its own customer), 100,000 tickets and 300,000 audit events into the test database
| `kundenportal_test_e` (migrated first with `node ace migration:run`), then times the
| SQL the admin pages run (median of 5 runs, after one warm-up) and prints each plan:
|
|   DB_DATABASE=kundenportal_test_e node ace migration:run --force
|   node --import=@poppinss/ts-exec bench/admin.ts
|
| Seeding is skipped when the data set is already there. Credentials from `.env.test`.
*/
import { readFile } from 'node:fs/promises'
import mysql from 'mysql2/promise'

const DATABASE = process.env.BENCH_DATABASE ?? 'kundenportal_test_e'
const USERS = 200_000
const TICKETS = 100_000
const AUDIT = 300_000
const ROOT = new URL('../', import.meta.url).pathname

async function envTest() {
  const out: Record<string, string> = {}
  for (const line of (await readFile(`${ROOT}.env.test`, 'utf8')).split('\n')) {
    const m = line.match(/^([A-Z_]+)=(.*)$/)
    if (m) out[m[1]] = m[2].replace(/^"(.*)"$/, '$1')
  }
  return out
}

const now = () => new Date().toISOString().slice(0, 19).replace('T', ' ')

async function insertMany(db: mysql.Connection, sql: string, rows: unknown[][]) {
  for (let i = 0; i < rows.length; i += 2000) {
    await db.query(sql, [rows.slice(i, i + 2000)])
  }
}

async function seed(db: mysql.Connection) {
  const [[{ n }]] = (await db.query('SELECT COUNT(*) AS n FROM users')) as any
  if (Number(n) >= USERS) return false
  await db.query('SET FOREIGN_KEY_CHECKS=0')
  for (const table of ['users', 'customers', 'customer_user', 'tickets', 'audit_events']) {
    await db.query(`TRUNCATE TABLE ${table}`)
  }
  const ts = now()
  const states = ['active', 'active', 'active', 'active', 'locked', 'pending_approval']
  const users: unknown[][] = []
  const customers: unknown[][] = []
  const links: unknown[][] = []
  for (let i = 1; i <= USERS; i++) {
    const state = states[i % states.length]
    users.push([i, `haendler${i}@example.com`, 'x', `Händler Nummer ${i}`, 'de', state, 0, ts, ts])
    customers.push([
      i,
      `L${String(1_000_000 + i)}`,
      `Firma ${i} GmbH`,
      'Weg 1',
      '60311',
      'Frankfurt',
      'DE',
      ts,
      ts,
    ])
    links.push([i, i, 'owner', 'registration', ts])
  }
  await insertMany(
    db,
    'INSERT INTO users (id,email,password,full_name,locale,state,failed_login_count,created_at,updated_at) VALUES ?',
    users
  )
  await insertMany(
    db,
    'INSERT INTO customers (id,customer_number,company_name,street,postal_code,city,country,created_at,updated_at) VALUES ?',
    customers
  )
  await insertMany(
    db,
    'INSERT INTO customer_user (user_id,customer_id,role,proven_by,created_at) VALUES ?',
    links
  )
  const statuses = ['open', 'answered', 'closed', 'closed']
  const categories = ['account_locked', 'registration', 'invoice', 'master_data', 'other']
  const tickets: unknown[][] = []
  for (let i = 1; i <= TICKETS; i++) {
    const created = new Date(Date.now() - (TICKETS - i) * 60_000)
      .toISOString()
      .slice(0, 19)
      .replace('T', ' ')
    tickets.push([
      i,
      `T-2026-${String(i).padStart(6, '0')}`,
      `Absender ${i}`,
      `haendler${i}@example.com`,
      categories[i % 5],
      statuses[i % 4],
      'de',
      created,
      created,
      created,
    ])
  }
  await insertMany(
    db,
    'INSERT INTO tickets (id,reference,name,email,category,status,locale,last_message_at,created_at,updated_at) VALUES ?',
    tickets
  )
  const events: unknown[][] = []
  const actions = [
    'login.succeeded',
    'login.failed',
    'account.locked',
    'account.unlocked',
    'ticket.replied',
  ]
  for (let i = 1; i <= AUDIT; i++) {
    const created = new Date(Date.now() - (AUDIT - i) * 10_000)
      .toISOString()
      .slice(0, 19)
      .replace('T', ' ')
    events.push([
      i % 7 === 0 ? 'staff' : 'user',
      i % 7 === 0 ? 1 + (i % 5) : i % USERS,
      (i % USERS) + 1,
      actions[i % 5],
      created,
    ])
  }
  await insertMany(
    db,
    'INSERT INTO audit_events (actor_type,actor_id,subject_user_id,action,created_at) VALUES ?',
    events
  )
  await db.query('SET FOREIGN_KEY_CHECKS=1')
  await db.query('ANALYZE TABLE users, customers, customer_user, tickets, audit_events')
  return true
}

async function time(db: mysql.Connection, label: string, sql: string, params: unknown[] = []) {
  await db.query(sql, params)
  const runs: number[] = []
  for (let i = 0; i < 5; i++) {
    const start = process.hrtime.bigint()
    await db.query(sql, params)
    runs.push(Number(process.hrtime.bigint() - start) / 1e6)
  }
  runs.sort((a, b) => a - b)
  const [plan] = (await db.query(`EXPLAIN ${sql}`, params)) as any
  const access = plan
    .map((row: any) => `${row.table}:${row.type}${row.key ? `(${row.key})` : ''}`)
    .join(' ')
  console.log(`${label.padEnd(44)} ${runs[2].toFixed(1).padStart(8)} ms   ${access}`)
}

const base = await envTest()
const db = await mysql.createConnection({
  host: base.DB_HOST ?? '127.0.0.1',
  port: Number(base.DB_PORT ?? 3306),
  user: base.DB_USER,
  password: base.DB_PASSWORD,
  database: DATABASE,
})
const started = Date.now()
if (await seed(db))
  console.log(
    `seeded ${USERS} users, ${TICKETS} tickets, ${AUDIT} audit events in ${((Date.now() - started) / 1000).toFixed(1)} s`
  )
console.log(`query (median of 5)                               time     plan`)

/* before: one OR over all three (what the first version ran, for comparison) */
const anyOf = `SELECT * FROM users WHERE (email LIKE ? OR full_name LIKE ? OR EXISTS (SELECT * FROM customers INNER JOIN customer_user ON customers.id = customer_user.customer_id WHERE users.id = customer_user.user_id AND customer_number = ?)) ORDER BY created_at DESC LIMIT 25`
await time(db, 'users: OR-search (first version)', anyOf, [
  '%haendler199999@example.com%',
  '%haendler199999@example.com%',
  'HAENDLER199999@EXAMPLE.COM',
])
/* now: what the term looks like picks one access path */
await time(
  db,
  'users: search by whole e-mail',
  `SELECT * FROM users WHERE email = ? ORDER BY created_at DESC LIMIT 25`,
  ['haendler199999@example.com']
)
await time(
  db,
  'users: search by customer number',
  `SELECT * FROM users WHERE EXISTS (SELECT * FROM customers INNER JOIN customer_user ON customers.id = customer_user.customer_id WHERE users.id = customer_user.user_id AND customer_number = ?) ORDER BY created_at DESC LIMIT 25`,
  ['L1150000']
)
await time(
  db,
  'users: free text in e-mail or name',
  `SELECT * FROM users WHERE (email LIKE ? OR full_name LIKE ?) ORDER BY created_at DESC LIMIT 25`,
  ['%Nummer 19999%', '%Nummer 19999%']
)
await time(
  db,
  'users: state=locked, page 1',
  `SELECT * FROM users WHERE state = ? ORDER BY created_at DESC LIMIT 25`,
  ['locked']
)
await time(
  db,
  'dashboard: 3 counts',
  `SELECT (SELECT COUNT(*) FROM tickets WHERE status='open'), (SELECT COUNT(*) FROM users WHERE state='locked'), (SELECT COUNT(*) FROM users WHERE state='pending_approval')`
)
await time(
  db,
  'tickets: open, oldest first, page 1',
  `SELECT * FROM tickets WHERE status = ? ORDER BY created_at ASC, id ASC LIMIT 25`,
  ['open']
)
await time(
  db,
  'tickets: all, open first, page 1',
  `SELECT * FROM tickets ORDER BY CASE status WHEN 'open' THEN 0 WHEN 'answered' THEN 1 ELSE 2 END, created_at ASC, id ASC LIMIT 25`
)
await time(db, 'ticket detail: account by e-mail', `SELECT * FROM users WHERE email = ? LIMIT 1`, [
  'haendler4711@example.com',
])
await time(
  db,
  'user detail: audit trail (50)',
  `SELECT * FROM audit_events WHERE subject_user_id = ? ORDER BY id DESC LIMIT 50`,
  [4711]
)
await time(
  db,
  'audit log: action prefix, page 1',
  `SELECT * FROM audit_events WHERE action LIKE ? ORDER BY id DESC LIMIT 50`,
  ['account.un%']
)
await time(
  db,
  'audit log: actor staff #3, page 1',
  `SELECT * FROM audit_events WHERE actor_type = ? AND actor_id = ? ORDER BY id DESC LIMIT 50`,
  ['staff', 3]
)
await db.end()
