import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { Readable } from 'node:stream'
import { importCustomers } from '#services/import/import_customers'
import { importTerminals } from '#services/import/import_terminals'
import { resetState } from '#tests/helpers/db'
import { databaseText, holdingDigits } from '#tests/helpers/stored_text'

/* A Luhn-valid card number: it must reach no table, whatever column it is in. */
const PAN = '4556191207311041'

const csv = (lines: string[]) => Readable.from([lines.join('\n') + '\n'])

test.group('Import: card numbers in the files', (group) => {
  group.each.setup(() => resetState())

  test('text fields are stored masked, the operator is told the line; IBANs stay', async ({
    assert,
  }) => {
    const notices: string[] = []
    const summary = await importCustomers(
      csv([
        'customer_number,company_name,street,postal_code,city,country,email,phone,vat_id,iban',
        `L1000001,Kiosk 4556 1912 0731 1041,Hauptstraße 1,10115,Berlin,DE,,,,DE89370400440532013000`,
        `L1000002,Bäckerei Anker,Weg ${PAN},10115,Berlin,DE,,+49 151 12345678,,`,
        `L1000003,Müller KG,Markt 2,10115,Berlin,DE,,,,`,
        `${PAN},Falsche Nummer GmbH,Markt 3,10115,Berlin,DE,,,,`,
        `L1000005,Konto GmbH,Markt 4,10115,Berlin,DE,,,,${PAN}`,
      ]),
      { onRowMasked: (notice) => notices.push(`line ${notice.line}: ${notice.reason}`) }
    )
    assert.include(summary, { read: 5, inserted: 3, failed: 2 })
    assert.deepEqual(notices, [
      'line 2: card number in company_name masked: only its first 6 and last 4 digits are stored',
      'line 3: card number in street masked: only its first 6 and last 4 digits are stored',
      'line 5: card number in customer_number masked: only its first 6 and last 4 digits are stored',
    ])
    /* a card number as the customer number: refused, and the error quotes it masked */
    assert.match(summary.errors[0].reason, /^customer_number "455619\*{6}1041" must be/)
    /* one as the IBAN: no IBAN, refused; the error names only its last 4 */
    assert.equal(summary.errors[1].reason, 'iban ending in 1041 has the wrong format')

    const rows = await db
      .from('customers')
      .orderBy('customer_number')
      .select('company_name', 'street', 'phone', 'iban')
    assert.deepEqual(
      rows.map((row) => ({ ...row })),
      [
        {
          company_name: 'Kiosk 4556 19** **** 1041',
          street: 'Hauptstraße 1',
          phone: null,
          iban: 'DE89370400440532013000',
        },
        {
          company_name: 'Bäckerei Anker',
          street: 'Weg 455619******1041',
          phone: '+49 151 12345678',
          iban: null,
        },
        { company_name: 'Müller KG', street: 'Markt 2', phone: null, iban: null },
      ]
    )
    assert.deepEqual(holdingDigits(await databaseText(), PAN), [])
  })

  test('a card number hidden by more blanks than one number has is refused once they are removed', async ({
    assert,
  }) => {
    const spaced = PAN.match(/\d{4}/g)!.join('    ')
    const summary = await importCustomers(
      csv([
        'customer_number,company_name,street,postal_code,city,country,email,phone,vat_id,iban',
        `${spaced},Versteckte Nummer GmbH,Markt 3,10115,Berlin,DE,,,,`,
        `L1000001,Kiosk,Markt 4,10115,Berlin,DE,,,,`,
      ])
    )
    assert.include(summary, { read: 2, inserted: 1, failed: 1 })
    assert.equal(summary.errors[0].reason, 'customer_number looks like a card number: not stored')
    assert.deepEqual(
      (await db.from('customers').select('customer_number')).map((row) => row.customer_number),
      ['L1000001']
    )
    /* the terminal import's reference to it is refused the same way, and not echoed */
    const terminals = await importTerminals(
      csv([
        'terminal_id,customer_number,model,serial_number,street,postal_code,city,status,installed_at,monthly_fee',
        `60000001,${spaced},Move 5000,S1,Hauptstraße 1,10115,Berlin,active,2026-01-15,19.90`,
      ])
    )
    assert.equal(terminals.errors[0].reason, 'customer_number looks like a card number: not stored')
    assert.deepEqual(holdingDigits(await databaseText(), PAN), [])
  })

  test('terminal models, serial numbers and addresses are masked too', async ({ assert }) => {
    await importCustomers(
      csv([
        'customer_number,company_name,street,postal_code,city,country,email,phone,vat_id,iban',
        'L1000001,Kiosk,Hauptstraße 1,10115,Berlin,DE,,,,',
      ])
    )
    const summary = await importTerminals(
      csv([
        'terminal_id,customer_number,model,serial_number,street,postal_code,city,status,installed_at,monthly_fee',
        `60000001,L1000001,Move 5000,${PAN},Hauptstraße 1,10115,Berlin,active,2026-01-15,19.90`,
      ])
    )
    assert.include(summary, { read: 1, inserted: 1, failed: 0 })
    assert.deepEqual(
      summary.masked.map((notice) => notice.line),
      [2]
    )
    const terminal = await db.from('terminals').where('terminal_id', '60000001').firstOrFail()
    assert.equal(terminal.serial_number, '455619******1041')
    assert.deepEqual(holdingDigits(await databaseText(), PAN), [])
  })
})
