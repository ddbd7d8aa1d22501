import { test } from '@japa/runner'
import { execFile } from 'node:child_process'
import { rm } from 'node:fs/promises'
import { promisify } from 'node:util'
import app from '@adonisjs/core/services/app'
import hash from '@adonisjs/core/services/hash'
import Database from 'better-sqlite3'
import { resetState } from '#tests/helpers/db'

const run = promisify(execFile)
const FILE = 'tmp/demo-seed-command.sqlite3'

/* What `npm run demo` runs: migrations and `node ace demo:seed --json` on SQLite. */
async function ace(...args: string[]) {
  const env = { ...process.env, DB_CONNECTION: 'sqlite', SQLITE_FILE: FILE }
  const { stdout } = await run(process.execPath, ['ace', ...args], { cwd: app.makePath(), env })
  return stdout
}

/* demo:seed switches SQLite to WAL: the database is three files */
const removeDatabase = () =>
  Promise.all(['', '-wal', '-shm'].map((end) => rm(app.makePath(FILE + end), { force: true })))

test.group('Demo data: node ace demo:seed on SQLite', (group) => {
  group.each.setup(async () => {
    await resetState()
    await removeDatabase()
  })
  group.each.teardown(async () => {
    await removeDatabase()
  })

  test('seeds an empty SQLite database once and prints logins that work', async ({ assert }) => {
    await ace('migration:run', '--force')
    const first = JSON.parse((await ace('demo:seed', '--json')).trim().split('\n').pop()!)
    assert.isTrue(first.seeded)
    assert.equal(first.customers, 3)
    assert.equal(first.terminals, 8)
    assert.isAbove(first.transactions, 15_000)
    assert.equal(first.logins.merchant.email, 'demo@kundenportal.test')
    assert.equal(first.logins.support.email, 'support@kundenportal.test')
    assert.equal(first.registration.customerNumber, 'L1000003')
    assert.match(first.registration.terminalId, /^\d{8}$/)

    const sqlite = new Database(app.makePath(FILE), { readonly: true })
    try {
      const merchant = sqlite
        .prepare('select password, state from users where email = ?')
        .get(first.logins.merchant.email) as { password: string; state: string }
      assert.equal(merchant.state, 'active')
      assert.isTrue(await hash.verify(merchant.password, first.logins.merchant.password))
      const support = sqlite
        .prepare('select password, role from staff_users where email = ?')
        .get(first.logins.support.email) as { password: string; role: string }
      assert.equal(support.role, 'admin')
      assert.isTrue(await hash.verify(support.password, first.logins.support.password))
      const links = sqlite
        .prepare(
          'select c.customer_number from customer_user cu join customers c on c.id = cu.customer_id order by 1'
        )
        .all() as { customer_number: string }[]
      assert.deepEqual(
        links.map((row) => row.customer_number),
        ['L1000001', 'L1000002']
      )
    } finally {
      sqlite.close()
    }

    /* running the demo again keeps the data and prints the same logins */
    await ace('migration:run', '--force')
    const second = JSON.parse((await ace('demo:seed', '--json')).trim().split('\n').pop()!)
    assert.isFalse(second.seeded)
    assert.deepEqual(second.logins, first.logins)
    const check = new Database(app.makePath(FILE), { readonly: true })
    const total = check.prepare('select count(*) as n from transactions').get() as { n: number }
    check.close()
    assert.equal(total.n, first.transactions)
  }).timeout(120_000)
})
