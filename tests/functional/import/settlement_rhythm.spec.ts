import { test } from '@japa/runner'
import { execFile } from 'node:child_process'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { importCustomers } from '#services/import/import_customers'
import { resetState } from '#tests/helpers/db'

const HEADER =
  'customer_number,company_name,street,postal_code,city,country,email,phone,vat_id,iban'

function csv(lines: string[]) {
  return Readable.from([lines.join('\n') + '\n'])
}

async function rhythms() {
  const rows = await db
    .from('customers')
    .orderBy('customer_number')
    .select('customer_number', 'settlement_rhythm')
  return Object.fromEntries(rows.map((row) => [row.customer_number, row.settlement_rhythm]))
}

test.group('import:customers: settlement_rhythm (issue 16)', (group) => {
  group.each.setup(() => resetState())

  test('a file in the old 10-column format still imports; new customers settle weekly', async ({
    assert,
  }) => {
    const summary = await importCustomers(
      csv([HEADER, 'K1001,Alpha GmbH,,,,DE,,,,', 'K1002,Beta KG,,,,,,,,'])
    )
    assert.isNull(summary.fileError)
    assert.equal(summary.inserted, 2)
    assert.deepEqual(await rhythms(), { K1001: 'weekly', K1002: 'weekly' })
  })

  test('an 11th column sets the rhythm; empty means weekly; a bad value is named by line', async ({
    assert,
  }) => {
    const summary = await importCustomers(
      csv([
        `${HEADER},settlement_rhythm`,
        'K1001,Alpha GmbH,,,,DE,,,,,daily',
        'K1002,Beta KG,,,,,,,,,',
        'K1003,Gamma AG,,,,,,,,, Weekly ',
        'K1004,Delta OHG,,,,,,,,,monthly',
        'K1005,Epsilon eK,,,,,,,,,täglich',
      ])
    )
    assert.equal(summary.inserted, 4)
    assert.equal(summary.failed, 1)
    assert.deepEqual(summary.errors, [
      { line: 5, reason: 'settlement_rhythm "monthly" must be daily or weekly' },
    ])
    assert.deepEqual(await rhythms(), {
      K1001: 'daily',
      K1002: 'weekly',
      K1003: 'weekly',
      K1005: 'daily',
    })
  })

  test('the column may stand anywhere; a file without it keeps a stored rhythm', async ({
    assert,
  }) => {
    await importCustomers(
      csv([
        'settlement_rhythm;customer_number;company_name;street;postal_code;city;country;email;phone;vat_id;iban',
        'daily;K1001;Alpha GmbH;;;;DE;;;;',
      ])
    )
    assert.deepEqual(await rhythms(), { K1001: 'daily' })

    const again = await importCustomers(csv([HEADER, 'K1001,Alpha GmbH,,,,DE,,,,']))
    assert.equal(again.unchanged, 1)
    assert.deepEqual(await rhythms(), { K1001: 'daily' })

    const changed = await importCustomers(
      csv([`${HEADER},settlement_rhythm`, 'K1001,Alpha GmbH,,,,DE,,,,,weekly'])
    )
    assert.equal(changed.updated, 1)
    assert.deepEqual(await rhythms(), { K1001: 'weekly' })
  })

  test('node ace import:customers reports a bad rhythm by line and exits 1', async ({ assert }) => {
    const dir = await mkdtemp(join(tmpdir(), 'rhythm-'))
    const file = join(dir, 'customers.csv')
    await writeFile(
      file,
      [`${HEADER},settlement_rhythm`, 'K1001,Alpha GmbH,,,,DE,,,,,daily', 'K1002,Beta KG,,,,,,,,,x']
        .join('\n')
        .concat('\n')
    )
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(
        process.execPath,
        ['ace', 'import:customers', file, '--no-ansi'],
        { cwd: app.makePath(), env: process.env },
        (error, stdout, stderr) =>
          resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })
      )
    )
    assert.equal(run.code, 1)
    assert.include(run.stdout + run.stderr, 'line 3: settlement_rhythm "x" must be daily or weekly')
    assert.deepEqual(await rhythms(), { K1001: 'daily' })
  }).timeout(60_000)
})
