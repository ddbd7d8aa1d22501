import { test } from '@japa/runner'
import { germanIban, germanVatId, isValidIban } from '#demo/check_digits'

test.group('Demo data: IBAN and VAT ID check digits', () => {
  test('builds the well-known example IBAN and rejects a changed digit', ({ assert }) => {
    assert.equal(germanIban('37040044', '532013000'), 'DE89370400440532013000')
    assert.isTrue(isValidIban('DE89 3704 0044 0532 0130 00'))
    assert.isTrue(isValidIban('GB82WEST12345698765432'))
    assert.isFalse(isValidIban('DE89370400440532013001'))
    assert.isFalse(isValidIban('DE88370400440532013000'))
  })

  test('every generated IBAN passes mod-97', ({ assert }) => {
    for (const account of ['1', '5407324911', '0015722834', '9999999999']) {
      assert.isTrue(isValidIban(germanIban('50010517', account)), account)
    }
  })

  test('VAT IDs carry the ISO 7064 MOD 11,10 check digit', ({ assert }) => {
    const id = germanVatId('81427563')
    assert.match(id, /^DE\d{9}$/)
    /* changing a digit changes the check digit */
    assert.notEqual(germanVatId('81427564').slice(-1), id.slice(-1))
  })
})
