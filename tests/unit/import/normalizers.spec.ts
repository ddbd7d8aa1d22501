import { test } from '@japa/runner'
import * as check from '#services/import/normalizers'
import { Problem } from '#services/import/normalizers'

function reason(value: unknown) {
  return value instanceof Problem ? value.reason : null
}

test.group('Import field rules', () => {
  test('customer numbers are trimmed, upper-cased and lose inner spaces', ({ assert }) => {
    assert.equal(check.customerNumber(' l 100 0001 '), 'L1000001')
    assert.equal(check.customerNumber('ab-12'), 'AB-12')
    assert.match(reason(check.customerNumber('L1')) ?? '', /3–20 letters, digits or dashes/)
    assert.match(reason(check.customerNumber('L2!003')) ?? '', /"L2!003"/)
    assert.match(reason(check.customerNumber('L'.padEnd(21, '1'))) ?? '', /3–20/)
    assert.equal(reason(check.customerNumber('  ')), 'customer_number is empty')
    /* removing the blanks must not join a card number back together */
    assert.equal(
      reason(check.customerNumber('4556    1912    0731    1041')),
      'customer_number looks like a card number: not stored'
    )
  })

  test('a terminal ID is exactly 8 digits and keeps leading zeros', ({ assert }) => {
    assert.equal(check.terminalId(' 01234567 '), '01234567')
    for (const bad of ['1234567', '123456789', '1234567a', '']) {
      assert.match(reason(check.terminalId(bad)) ?? '', /must be exactly 8 digits/, bad)
    }
  })

  test('e-mail addresses are checked, empty means none', ({ assert }) => {
    assert.equal(check.email(' info@baeckerei-anker.de '), 'info@baeckerei-anker.de')
    assert.isNull(check.email(''))
    for (const bad of ['beta(at)example.com', 'a@b', 'a b@example.com', 'a@@example.com']) {
      assert.match(reason(check.email(bad)) ?? '', /not a valid e-mail address/, bad)
    }
  })

  test('IBANs lose their spaces and must pass the mod-97 check', ({ assert }) => {
    assert.equal(check.iban('de89 3704 0044 0532 0130 00'), 'DE89370400440532013000')
    assert.equal(check.iban('AT611904300234573201'), 'AT611904300234573201')
    assert.isNull(check.iban(' '))
    assert.equal(
      reason(check.iban('DE89370400440532013001')),
      'iban ending in 3001 has a wrong check digit'
    )
    assert.match(reason(check.iban('DE8937040044053201300')) ?? '', /wrong format/)
    assert.match(reason(check.iban('1234')) ?? '', /wrong format/)
  })

  test('VAT IDs are checked loosely, German ones as DE + 9 digits', ({ assert }) => {
    assert.equal(check.vatId('de 123 456 789'), 'DE123456789')
    assert.equal(check.vatId('ATU12345678'), 'ATU12345678')
    assert.isNull(check.vatId(''))
    assert.match(reason(check.vatId('DE12345')) ?? '', /not a VAT ID/)
    assert.match(reason(check.vatId('123456789')) ?? '', /not a VAT ID/)
  })

  test('countries are 2 letters, empty means DE', ({ assert }) => {
    assert.equal(check.country('at'), 'AT')
    assert.equal(check.country(''), 'DE')
    assert.match(reason(check.country('DEU')) ?? '', /must be 2 letters/)
  })

  test('dates come as YYYY-MM-DD or DD.MM.YYYY and must exist', ({ assert }) => {
    assert.equal(check.date('2024-01-15', 'installed_at'), '2024-01-15')
    assert.equal(check.date('15.01.2024', 'installed_at'), '2024-01-15')
    assert.equal(check.date('1.3.2024', 'installed_at'), '2024-03-01')
    assert.equal(check.date('29.02.2024', 'installed_at'), '2024-02-29')
    assert.isNull(check.date('', 'installed_at'))
    for (const bad of ['2024-02-30', '31.04.2024', '2024/01/15', '15.01.24', '01-15-2024']) {
      assert.match(reason(check.date(bad, 'installed_at')) ?? '', /is not a date/, bad)
    }
  })

  test('monthly fees with a point or a comma become integer cents', ({ assert }) => {
    const cents = (raw: string) => check.moneyMinor(raw, 'monthly_fee')
    assert.equal(cents('29.90'), 2990)
    assert.equal(cents('29,90'), 2990)
    assert.equal(cents('29,9'), 2990)
    assert.equal(cents('29'), 2900)
    assert.equal(cents('0'), 0)
    assert.equal(cents('1.234,56'), 123456)
    assert.equal(cents('1,234.56'), 123456)
    assert.equal(cents('19,90 €'), 1990)
    for (const bad of ['abc', '-5', '29.999', '1.234', '', '2,9,0']) {
      assert.match(reason(cents(bad)) ?? '', /not an amount/, bad)
    }
  })

  test('statuses accept the four values and German synonyms', ({ assert }) => {
    assert.equal(check.terminalStatus('Active'), 'active')
    assert.equal(check.terminalStatus('aktiv'), 'active')
    assert.equal(check.terminalStatus('inaktiv'), 'inactive')
    assert.equal(check.terminalStatus('GESPERRT'), 'blocked')
    assert.equal(check.terminalStatus('Außer  Betrieb'), 'decommissioned')
    assert.equal(check.terminalStatus('stillgelegt'), 'decommissioned')
    assert.match(reason(check.terminalStatus('kaputt')) ?? '', /must be one of active, inactive/)
    assert.match(reason(check.terminalStatus('')) ?? '', /must be one of/)
  })
})
