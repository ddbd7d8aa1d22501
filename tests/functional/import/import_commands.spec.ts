import { test } from '@japa/runner'
import { execFile } from 'node:child_process'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { resetState } from '#tests/helpers/db'

/** Runs the real `node ace …` against the test database; never rejects. */
function ace(args: string[]) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['ace', ...args, '--no-ansi'],
      { cwd: app.makePath(), env: process.env },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })
      }
    )
  })
}

async function terminalRows() {
  return db
    .from('terminals')
    .join('customers', 'customers.id', 'terminals.customer_id')
    .orderBy('terminal_id')
    .select('terminal_id', 'customer_number', 'status', 'monthly_fee_minor', 'terminals.updated_at')
}

test.group('import:customers and import:terminals', (group) => {
  group.each.setup(() => resetState())

  test('a file with good and bad rows loads the good rows, names each bad line, exits 1', async ({
    assert,
  }) => {
    const customers = await ace(['import:customers', 'tests/fixtures/import/customers.csv'])
    assert.equal(customers.code, 0, customers.stdout + customers.stderr)

    const run = await ace(['import:terminals', 'tests/fixtures/import/terminals_mixed.csv'])

    assert.equal(run.code, 1)
    const badLines = run.stdout.split('\n').filter((line) => line.startsWith('line '))
    assert.deepEqual(badLines, [
      'line 3: terminal_id "1000002" must be exactly 8 digits',
      'line 4: unknown customer_number L9999999',
      'line 6: duplicate terminal_id 10000001 (already earlier in this file)',
      'line 7: broken quote: a quoted field is not closed',
      'line 8: installed_at "2024-02-30" is not a date (YYYY-MM-DD or DD.MM.YYYY)',
      'line 10: expected 10 columns, found 3',
    ])
    assert.match(run.stdout, /read 10, inserted 4, updated 0, unchanged 0, failed 6 in [\d.]+ s/)
    assert.include(run.stderr, '6 row(s) failed; the good rows are loaded')
    assert.deepEqual(
      (await terminalRows()).map((row) => [row.terminal_id, row.customer_number, row.status]),
      [
        ['10000001', 'L1000001', 'active'],
        ['10000004', 'L1000002', 'active'],
        ['10000008', 'L1000002', 'blocked'],
        ['10000010', 'L1000003', 'decommissioned'],
      ]
    )
  }).timeout(60_000)

  test('the same file twice leaves the same rows', async ({ assert }) => {
    await ace(['import:customers', 'tests/fixtures/import/customers.csv'])
    await ace(['import:terminals', 'tests/fixtures/import/terminals_mixed.csv'])
    const before = await terminalRows()

    const again = await ace(['import:terminals', 'tests/fixtures/import/terminals_mixed.csv'])

    assert.equal(again.code, 1)
    assert.match(again.stdout, /read 10, inserted 0, updated 0, unchanged 4, failed 6/)
    assert.deepEqual(await terminalRows(), before)
  }).timeout(60_000)

  test('a clean ;-separated file with BOM exits 0', async ({ assert }) => {
    const customers = await ace([
      'import:customers',
      'tests/fixtures/import/customers_semicolon_bom.csv',
    ])
    assert.equal(customers.code, 0, customers.stdout + customers.stderr)
    assert.match(customers.stdout, /read 3, inserted 3, updated 0, unchanged 0, failed 0/)

    const terminals = await ace([
      'import:terminals',
      'tests/fixtures/import/terminals_semicolon_bom.csv',
    ])
    assert.equal(terminals.code, 0, terminals.stdout + terminals.stderr)
    assert.notInclude(terminals.stdout, 'line ')
    assert.deepEqual(
      (await terminalRows()).map((row) => [row.terminal_id, row.status, row.monthly_fee_minor]),
      [
        ['10000001', 'active', 2990],
        ['10000004', 'inactive', 2450],
      ]
    )
  }).timeout(60_000)

  test('--dry-run names the bad lines and counts, but stores nothing', async ({ assert }) => {
    await ace(['import:customers', 'tests/fixtures/import/customers.csv'])

    const run = await ace([
      'import:terminals',
      'tests/fixtures/import/terminals_mixed.csv',
      '--dry-run',
    ])

    assert.equal(run.code, 1)
    assert.include(run.stdout, 'line 4: unknown customer_number L9999999')
    assert.include(
      run.stdout,
      'dry run, nothing stored: read 10, inserted 4, updated 0, unchanged 0, failed 6'
    )
    assert.include(run.stderr, '6 row(s) would fail')
    assert.deepEqual(await terminalRows(), [])
  }).timeout(60_000)

  test('a wrong header or a missing file exits 1 with the reason', async ({ assert }) => {
    const header = await ace(['import:terminals', 'tests/fixtures/import/customers.csv'])
    assert.equal(header.code, 1)
    assert.include(header.stderr, 'line 1: wrong header: missing column(s) terminal_id')

    const missing = await ace(['import:customers', 'tests/fixtures/import/nope.csv'])
    assert.equal(missing.code, 1)
    assert.include(missing.stderr, 'cannot read the file')
  }).timeout(60_000)
})
