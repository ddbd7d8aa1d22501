import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { Readable } from 'node:stream'
import { importCustomers } from '#services/import/import_customers'
import { importTerminals } from '#services/import/import_terminals'
import type { ImportCounts, ImportError } from '#services/import/import_summary'
import { resetState } from '#tests/helpers/db'
import Terminal from '#models/terminal'

const fixture = (name: string) => app.makePath('tests/fixtures/import', name)
const HEADER =
  'terminal_id,customer_number,model,serial_number,street,postal_code,city,status,installed_at,monthly_fee'

/** The terminals as the portal's model reads them. */
async function terminals() {
  const rows = await Terminal.query().preload('customer').orderBy('terminal_id')
  return rows.map((row) => ({
    tid: row.terminalId,
    customer: row.customer.customerNumber,
    status: row.status,
    installedAt: row.installedAt?.toISODate() ?? null,
    fee: row.monthlyFeeMinor,
    street: row.street,
  }))
}

test.group('Terminal import', (group) => {
  group.each.setup(async () => {
    await resetState()
    await importCustomers(fixture('customers.csv'))
  })

  test('loads the good rows and names each bad line', async ({ assert }) => {
    const streamed: ImportError[] = []
    const summary = await importTerminals(fixture('terminals_mixed.csv'), {
      onRowError: (error) => streamed.push(error),
    })

    assert.include(summary, { read: 10, inserted: 4, updated: 0, unchanged: 0, failed: 6 })
    assert.deepEqual(streamed, summary.errors)
    assert.deepEqual(
      summary.errors.map((error) => `line ${error.line}: ${error.reason}`),
      [
        'line 3: terminal_id "1000002" must be exactly 8 digits',
        'line 4: unknown customer_number L9999999',
        'line 6: duplicate terminal_id 10000001 (already earlier in this file)',
        'line 7: broken quote: a quoted field is not closed',
        'line 8: installed_at "2024-02-30" is not a date (YYYY-MM-DD or DD.MM.YYYY)',
        'line 10: expected 10 columns, found 3',
      ]
    )
    assert.deepEqual(await terminals(), [
      {
        tid: '10000001',
        customer: 'L1000001',
        status: 'active',
        installedAt: '2024-01-15',
        fee: 2990,
        street: 'Hauptstraße 1',
      },
      {
        tid: '10000004',
        customer: 'L1000002',
        status: 'active',
        installedAt: '2024-03-01',
        fee: 2450,
        street: 'Marktplatz 3, Hof',
      },
      {
        tid: '10000008',
        customer: 'L1000002',
        status: 'blocked',
        installedAt: null,
        fee: 0,
        street: 'Marktplatz 3',
      },
      {
        tid: '10000010',
        customer: 'L1000003',
        status: 'decommissioned',
        installedAt: '2019-12-31',
        fee: 990,
        street: 'Domplatz 1',
      },
    ])
  })

  test('the same file twice leaves the same rows', async ({ assert }) => {
    await importTerminals(fixture('terminals_mixed.csv'))
    const before = await db.from('terminals').orderBy('id').select('*')

    const again = await importTerminals(fixture('terminals_mixed.csv'))
    assert.include(again, { read: 10, inserted: 0, updated: 0, unchanged: 4, failed: 6 })
    assert.deepEqual(await db.from('terminals').orderBy('id').select('*'), before)
  })

  test('a ;-separated CRLF file with BOM updates what changed', async ({ assert }) => {
    await importTerminals(fixture('terminals_mixed.csv'))
    const summary = await importTerminals(fixture('terminals_semicolon_bom.csv'))

    /* 10000001 is unchanged (same values in German notation), 10000004 moved and went inactive */
    assert.include(summary, { read: 2, inserted: 0, updated: 1, unchanged: 1, failed: 0 })
    const rows = await terminals()
    assert.include(rows[1], { tid: '10000004', status: 'inactive', street: 'Marktplatz 3; Hof' })
  })

  test('a terminal moves to another customer on re-import', async ({ assert }) => {
    await importTerminals(Readable.from([`${HEADER}\n12345678,L1000001,M,S,,,,active,,10\n`]))
    const moved = await importTerminals(
      Readable.from([`${HEADER}\n12345678,L1000003,M,S,,,,active,,10\n`])
    )
    assert.include(moved, { inserted: 0, updated: 1 })
    assert.equal((await terminals())[0].customer, 'L1000003')
  })

  test('errors keep line order across batches and progress is reported', async ({ assert }) => {
    const lines = [HEADER]
    for (let i = 0; i < 2500; i++) {
      const tid = i % 500 === 7 ? '1234567' : String(20_000_000 + i)
      const customer = i % 700 === 3 ? 'L0000000' : `L100000${(i % 3) + 1}`
      lines.push(`${tid},${customer},Move/5000,SN${i},,,,active,2024-01-01,29.90`)
    }
    const progress: ImportCounts[] = []
    const summary = await importTerminals(Readable.from([lines.join('\n')]), {
      batchSize: 300,
      commitEvery: 700,
      progressEvery: 1000,
      onProgress: (counts) => progress.push(counts),
    })

    const expectedBad = [3, 7, 507, 703, 1007, 1403, 1507, 2007, 2103].map((i) => i + 2)
    assert.deepEqual(
      summary.errors.map((error) => error.line),
      expectedBad
    )
    assert.include(summary, { read: 2500, inserted: 2491, failed: 9 })
    assert.deepEqual(
      progress.map((counts) => counts.read),
      [1000, 2000]
    )
    const [{ total }] = await db.from('terminals').count('* as total')
    assert.equal(Number(total), 2491)
  })
})
