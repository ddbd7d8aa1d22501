import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { Readable } from 'node:stream'
import { importCustomers } from '#services/import/import_customers'
import { resetState } from '#tests/helpers/db'

const fixture = (name: string) => app.makePath('tests/fixtures/import', name)

async function customers() {
  return db.from('customers').orderBy('customer_number').select('*')
}

test.group('Customer import', (group) => {
  group.each.setup(() => resetState())

  test('loads every customer of a clean file, normalized', async ({ assert }) => {
    const summary = await importCustomers(fixture('customers.csv'))

    assert.include(summary, { read: 3, inserted: 3, updated: 0, unchanged: 0, failed: 0 })
    assert.deepEqual(summary.errors, [])
    const rows = await customers()
    assert.deepEqual(
      rows.map((row) => [row.customer_number, row.company_name, row.country, row.iban]),
      [
        ['L1000001', 'Bäckerei Anker GmbH', 'DE', 'DE89370400440532013000'],
        ['L1000002', 'Müller, Söhne & Co. KG', 'DE', 'DE02120300000000202051'],
        ['L1000003', 'Kiosk am Dom', 'DE', null],
      ]
    )
    assert.isNull(rows[2].email)
  })

  test('names each bad line and still loads the good ones', async ({ assert }) => {
    const summary = await importCustomers(fixture('customers_bad.csv'))

    assert.include(summary, { read: 9, inserted: 2, failed: 7 })
    assert.deepEqual(
      summary.errors.map((error) => error.line),
      [3, 4, 5, 6, 7, 8, 9]
    )
    const reasons = summary.errors.map((error) => `line ${error.line}: ${error.reason}`)
    assert.match(reasons[0], /^line 3: email "beta\(at\)example.com" is not a valid e-mail/)
    assert.equal(reasons[1], 'line 4: iban ending in 3001 has a wrong check digit')
    assert.match(reasons[2], /^line 5: customer_number "L2!003" must be 3–20/)
    assert.match(reasons[3], /^line 6: duplicate customer_number L2000001/)
    assert.match(reasons[4], /^line 7: company_name is empty/)
    assert.match(reasons[5], /^line 8: country "DEU" must be 2 letters/)
    assert.match(reasons[6], /^line 9: vat_id "DE12345" is not a VAT ID/)

    const rows = await customers()
    assert.deepEqual(
      rows.map((row) => [row.customer_number, row.company_name]),
      [
        ['L2000001', 'Alpha GmbH'],
        ['L2000009', 'Iota GmbH'],
      ]
    )
    assert.include(rows[1], {
      country: 'DE',
      vat_id: 'DE123456789',
      iban: 'DE02120300000000202051',
      phone: '040 998877',
    })
  })

  test('the same file twice changes nothing; a changed row counts as updated', async ({
    assert,
  }) => {
    await importCustomers(fixture('customers.csv'))
    const before = await customers()

    const again = await importCustomers(fixture('customers.csv'))
    assert.include(again, { read: 3, inserted: 0, updated: 0, unchanged: 3, failed: 0 })
    assert.deepEqual(await customers(), before)

    const edited = [
      'customer_number,company_name,street,postal_code,city,country,email,phone,vat_id,iban',
      'L1000001,Bäckerei Anker GmbH & Co. KG,Hauptstraße 1,10115,Berlin,DE,info@baeckerei-anker.de,030 1234567,DE123456789,DE89370400440532013000',
      'L1000004,Neu GmbH,Neuweg 4,10115,Berlin,DE,,,,',
    ].join('\n')
    const changed = await importCustomers(Readable.from([edited]))
    assert.include(changed, { read: 2, inserted: 1, updated: 1, unchanged: 0 })
    const rows = await customers()
    assert.lengthOf(rows, 4)
    assert.equal(rows[0].company_name, 'Bäckerei Anker GmbH & Co. KG')
    assert.equal(rows[0].id, before[0].id)
  })

  test('a ;-separated file with BOM loads the same rows as the ,-separated one', async ({
    assert,
  }) => {
    await importCustomers(fixture('customers.csv'))
    const summary = await importCustomers(fixture('customers_semicolon_bom.csv'))

    assert.include(summary, { read: 3, inserted: 0, updated: 1, unchanged: 2, failed: 0 })
    const rows = await customers()
    assert.equal(rows[1].company_name, 'Müller; Söhne & Co. KG')
    assert.equal(rows[1].iban, 'DE02120300000000202051')
  })

  test('columns may come in any order, with extra columns ignored', async ({ assert }) => {
    const file = [
      'IBAN,Note,Customer_Number,Company_Name,Street,Postal_Code,City,Country,Email,Phone,VAT_ID',
      'DE89370400440532013000,ignored,L3000001,Gamma GmbH,Weg 1,10115,Berlin,DE,,,',
    ].join('\n')
    const summary = await importCustomers(Readable.from([file]))

    assert.include(summary, { read: 1, inserted: 1, failed: 0 })
    const [row] = await customers()
    assert.include(row, {
      customer_number: 'L3000001',
      company_name: 'Gamma GmbH',
      iban: 'DE89370400440532013000',
    })
  })

  test('a wrong header or a missing file fails the whole file', async ({ assert }) => {
    const header = await importCustomers(Readable.from(['number,name\nL1,Alpha\n']))
    assert.match(
      header.fileError ?? '',
      /^line 1: wrong header: missing column\(s\) customer_number/
    )
    assert.equal(header.read, 0)

    const missing = await importCustomers(fixture('does-not-exist.csv'))
    assert.match(missing.fileError ?? '', /cannot read the file: ENOENT/)
    assert.lengthOf(await customers(), 0)
  })
})
