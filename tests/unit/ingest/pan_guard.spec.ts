import { test } from '@japa/runner'
import { fieldsWithPan } from '#services/ingest/pan_guard'
import { containsPan, passesLuhn } from '#services/security/card_number_guard'
import { isSafelyMasked, parseIsoWithOffset } from '#services/ingest/item_validator'

test.group('PAN guard', () => {
  test('Luhn accepts valid and refuses altered numbers', ({ assert }) => {
    assert.isTrue(passesLuhn('4929480352831741'))
    assert.isFalse(passesLuhn('4929480352831742'))
    assert.isTrue(passesLuhn('371422539460037'))
  })

  test('finds PANs plain, grouped with spaces, dashes or dots, and inside text', ({ assert }) => {
    for (const text of [
      '4929480352831741',
      '4929 4803 5283 1741',
      '4929-4803-5283-1741',
      '4929 - 4803 - 5283 - 1741',
      '4929.4803.5283.1741',
      'Beleg 12 / Karte 4929480352831741 ok',
      'TID 12345678 4929480352831741',
      '672559044188302110',
    ]) {
      assert.isTrue(containsPan(text), text)
    }
  })

  test('leaves masked PANs, short numbers, failing Luhn runs and long runs without a Luhn window alone', ({
    assert,
  }) => {
    for (const text of [
      '492948******1741',
      /* no 13–19 digit window of it passes Luhn (in …1742, one inside does) */
      '4929480352831712',
      '12345678',
      '2026-11-27T10:15:00+01:00',
      '99999999999999999999999',
    ]) {
      assert.isFalse(containsPan(text), text)
    }
  })

  test('reports the top-level fields that hold a PAN, including keys and numbers', ({ assert }) => {
    assert.deepEqual(
      fieldsWithPan({
        reference: 'ok',
        receipt_number: 'x 4929480352831741',
        meta: { nested: ['4929 4803 5283 1741'] },
        amount_minor: 4929480352831741,
      }),
      ['receipt_number', 'meta', 'amount_minor']
    )
    assert.deepEqual(fieldsWithPan({ ['4929480352831741']: 1 }), ['(field name)'])
    assert.deepEqual(fieldsWithPan({ amount_minor: 2 ** 60 }), ['amount_minor'])
    assert.deepEqual(fieldsWithPan('4929480352831741'), ['item'])
  })

  test('a masked PAN shows at most the first 6 and last 4 digits', ({ assert }) => {
    assert.isTrue(isSafelyMasked('492948******1741'))
    assert.isTrue(isSafelyMasked('4929 48** **** 1741'))
    assert.isTrue(isSafelyMasked('************1741'))
    assert.isFalse(isSafelyMasked('4929480*****1741'))
    assert.isFalse(isSafelyMasked('492948******17411'))
    assert.isFalse(isSafelyMasked('4929481741'))
    assert.isFalse(isSafelyMasked('492948-*****-1741'))
  })
})

test.group('occurred_at parsing', () => {
  test('reads ISO 8601 with Z or an offset to epoch milliseconds', ({ assert }) => {
    const expected = Date.UTC(2026, 10, 27, 9, 15, 0)
    assert.equal(parseIsoWithOffset('2026-11-27T10:15:00+01:00'), expected)
    assert.equal(parseIsoWithOffset('2026-11-27T10:15+0100'), expected)
    assert.equal(parseIsoWithOffset('2026-11-27T09:15:00Z'), expected)
    assert.equal(parseIsoWithOffset('2026-11-27T09:15:00.250Z'), expected + 250)
    assert.equal(parseIsoWithOffset('2026-11-27T04:15:00.000000-05:00'), expected)
  })

  test('refuses local times without offset and impossible dates', ({ assert }) => {
    for (const value of [
      '2026-11-27T10:15:00',
      '2026-11-27 10:15:00+01:00',
      '2026-02-30T10:00:00Z',
      '2026-13-01T10:00:00Z',
      '2026-11-27T24:00:00Z',
      '2026-11-27T10:15:00+15:00',
      '27.11.2026 10:15',
    ]) {
      assert.isNull(parseIsoWithOffset(value), value)
    }
  })
})
