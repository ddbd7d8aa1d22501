import { test } from '@japa/runner'
import { allocate, netOf, sumMinor } from '#services/money/amounts'
import { validatePayout } from '#services/ingest/money_items'
import { seededRandom } from '#tests/helpers/random'

test.group('Money: sums and splits to the cent', () => {
  test('allocate splits {total} by {weights} into {parts}')
    .with([
      { total: 100, weights: [1, 1, 1], parts: [34, 33, 33] },
      { total: 1, weights: [1, 1], parts: [1, 0] },
      { total: 1000, weights: [7000, 2000, 1000], parts: [700, 200, 100] },
      /* 247 cents of fees over closings of 123,45 € / 678,90 € / 0,99 € */
      { total: 247, weights: [12345, 67890, 99], parts: [38, 209, 0] },
      { total: -10, weights: [1, 2], parts: [-3, -7] },
      { total: 5, weights: [0, 0], parts: [3, 2] },
      { total: 0, weights: [5, 5], parts: [0, 0] },
    ])
    .run(({ assert }, { total, weights, parts }) => {
      const result = allocate(total, weights)
      assert.deepEqual(result, parts)
      assert.equal(sumMinor(result), total)
    })

  test('every split of random totals adds up exactly', ({ assert }) => {
    const random = seededRandom(42)
    const next = () => Math.floor(random() * 2 ** 31)
    for (let round = 0; round < 2000; round++) {
      const total = (next() % 2_000_000) - 1_000_000
      const weights = Array.from({ length: 1 + (next() % 12) }, () => next() % 500_000)
      const parts = allocate(total, weights)
      assert.equal(sumMinor(parts), total)
      assert.lengthOf(parts, weights.length)
    }
  })

  test('net is gross minus fees; fee lines must add up to the fees', async ({ assert }) => {
    assert.equal(netOf(1_234_567, 2_469), 1_232_098)
    const base = {
      reference: 'PO-1',
      customer_number: 'L1000001',
      value_date: '2026-11-30',
      gross_minor: 1_234_567,
      fees_minor: 2_469,
      net_minor: 1_232_098,
      status: 'paid',
      fees: [
        { card_brand: 'visa', kind: 'disagio', amount_minor: 1_851 },
        { card_brand: 'mastercard', kind: 'disagio', amount_minor: 600 },
        { card_brand: null, kind: 'service', amount_minor: 18 },
      ],
    }
    assert.exists((await validatePayout(base)).item)
    const offByOne = await validatePayout({ ...base, net_minor: 1_232_099 })
    assert.deepEqual(
      offByOne.errors?.map((error) => error.rule),
      ['sum']
    )
    const linesOff = await validatePayout({ ...base, fees_minor: 2_470, net_minor: 1_232_097 })
    assert.deepEqual(
      linesOff.errors?.map((error) => error.field),
      ['fees']
    )
    assert.throws(() => sumMinor([Number.MAX_SAFE_INTEGER, 1]))
  })
})
