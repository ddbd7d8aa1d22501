import { test } from '@japa/runner'
import { execFile } from 'node:child_process'
import { rm } from 'node:fs/promises'
import app from '@adonisjs/core/services/app'
import Database from 'better-sqlite3'

const SQLITE_FILE = 'tmp/import-test.sqlite3'

/** Runs `node ace …` on SQLite; resolves with exit code and output, never rejects. */
function ace(args: string[]) {
  const env = { ...process.env, DB_CONNECTION: 'sqlite', SQLITE_FILE }
  return new Promise<{ code: number; output: string }>((resolve) => {
    execFile(
      process.execPath,
      ['ace', ...args, '--no-ansi'],
      { cwd: app.makePath(), env },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr })
      }
    )
  })
}

function query(sql: string) {
  const sqlite = new Database(app.makePath(SQLITE_FILE), { readonly: true })
  try {
    return sqlite.prepare(sql).all() as Record<string, unknown>[]
  } finally {
    sqlite.close()
  }
}

test.group('Import on SQLite', (group) => {
  group.each.setup(async () => {
    await rm(app.makePath(SQLITE_FILE), { force: true })
    return () => rm(app.makePath(SQLITE_FILE), { force: true })
  })

  test('both imports upsert on SQLite and a second run changes nothing', async ({ assert }) => {
    const migrate = await ace(['migration:run', '--force'])
    assert.equal(migrate.code, 0, migrate.output)

    const customers = await ace(['import:customers', 'tests/fixtures/import/customers.csv'])
    assert.equal(customers.code, 0, customers.output)
    assert.include(customers.output, 'read 3, inserted 3, updated 0, unchanged 0, failed 0')

    const terminals = await ace(['import:terminals', 'tests/fixtures/import/terminals_mixed.csv'])
    assert.equal(terminals.code, 1, terminals.output)
    assert.include(terminals.output, 'line 3: terminal_id "1000002" must be exactly 8 digits')
    assert.include(terminals.output, 'line 4: unknown customer_number L9999999')
    assert.include(terminals.output, 'read 10, inserted 4, updated 0, unchanged 0, failed 6')
    const before = query('select * from terminals order by terminal_id')
    assert.deepEqual(
      before.map((row) => [row.terminal_id, row.installed_at, row.monthly_fee_minor]),
      [
        ['10000001', '2024-01-15', 2990],
        ['10000004', '2024-03-01', 2450],
        ['10000008', null, 0],
        ['10000010', '2019-12-31', 990],
      ]
    )

    const again = await ace(['import:terminals', 'tests/fixtures/import/terminals_mixed.csv'])
    assert.include(again.output, 'read 10, inserted 0, updated 0, unchanged 4, failed 6')
    assert.deepEqual(query('select * from terminals order by terminal_id'), before)

    const changed = await ace([
      'import:terminals',
      'tests/fixtures/import/terminals_semicolon_bom.csv',
    ])
    assert.equal(changed.code, 0, changed.output)
    assert.include(changed.output, 'read 2, inserted 0, updated 1, unchanged 1, failed 0')
    assert.deepEqual(query("select status from terminals where terminal_id = '10000004'"), [
      { status: 'inactive' },
    ])
  }).timeout(120_000)
})
