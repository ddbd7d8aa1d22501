import { test } from '@japa/runner'
import tariff from '#config/tariff'
import { computeInvoice, type BrandUsage } from '#services/invoices/tariff_calculator'
import { minorToDecimal, roundDiv } from '#services/invoices/money'

/* a fixed tariff, so the hand-computed numbers below do not move with config/tariff.ts */
const TARIFF = {
  vatRateBp: 1900,
  billableTerminalStatuses: ['active'],
  networkFees: {
    ...tariff.networkFees,
    girocard: { fixedCentiMinor: 450, rateBp: 20 },
    visa: { fixedCentiMinor: 600, rateBp: 30 },
  },
}

const usage = (row: Partial<BrandUsage>): BrandUsage => ({
  terminalId: '10000001',
  cardBrand: 'girocard',
  salesCount: 0,
  salesAmountMinor: 0,
  refundCount: 0,
  refundAmountMinor: 0,
  ...row,
})

test.group('Invoices / tariff and rounding', () => {
  test('rounds half away from zero', ({ assert }) => {
    assert.equal(roundDiv(450, 100), 5)
    assert.equal(roundDiv(449, 100), 4)
    assert.equal(roundDiv(-450, 100), -5)
    assert.equal(roundDiv(-449, 100), -4)
    assert.equal(roundDiv(0, 100), 0)
    assert.equal(minorToDecimal(12345), '123.45')
    assert.equal(minorToDecimal(-5), '-0.05')
    assert.equal(minorToDecimal(0), '0.00')
  })

  test('a month with a terminal fee, sales and a refund adds up to the cent', ({ assert }) => {
    const result = computeInvoice(
      [{ terminalId: '10000001', monthlyFeeMinor: 1990, status: 'active' }],
      [
        /* girocard: 3 sales 100.00 €, 1 refund 20.00 € → 2 × 4.5 ct = 9 ct; 0.20 % of 80 € = 16 ct */
        usage({ salesCount: 3, salesAmountMinor: 10_000, refundCount: 1, refundAmountMinor: 2000 }),
        /* visa: 1 sale 33.33 € → 6 ct; 0.30 % of 33.33 € = 9.999 ct → 10 ct */
        usage({ cardBrand: 'visa', salesCount: 1, salesAmountMinor: 3333 }),
      ],
      TARIFF
    )
    assert.deepEqual(
      result.lines.map((line) => [
        line.position,
        line.quantity,
        line.unitPriceCentiMinor,
        line.netMinor,
      ]),
      [
        [1, 1, 199_000, 1990],
        [2, 2, 450, 9],
        [3, 1, 1600, 16],
        [4, 1, 600, 6],
        [5, 1, 1000, 10],
      ]
    )
    assert.equal(result.netMinor, 2031)
    /* 2031 × 19 % = 385.89 → 386, rounded once on the total */
    assert.equal(result.vatMinor, 386)
    assert.equal(result.grossMinor, 2417)
    assert.equal(
      result.lines.reduce((sum, line) => sum + line.netMinor, 0),
      result.netMinor
    )
    assert.include(result.lines[0].description, 'Terminal 10000001')
    assert.include(result.lines[2].description, '0,20 % von 80,00 €')
  })

  test('a fixed fee of half a cent rounds up per line, not per transaction', ({ assert }) => {
    const one = computeInvoice([], [usage({ salesCount: 1, salesAmountMinor: 0 })], TARIFF)
    assert.equal(one.lines[0].netMinor, 5) // 4.5 ct → 5 ct
    const three = computeInvoice([], [usage({ salesCount: 3, salesAmountMinor: 0 })], TARIFF)
    assert.equal(three.lines[0].netMinor, 14) // 13.5 ct → 14 ct, not 3 × 5 ct
  })

  test('refunds are credited: more refunds than sales give negative lines', ({ assert }) => {
    const result = computeInvoice([], [usage({ refundCount: 1, refundAmountMinor: 5000 })], TARIFF)
    /* −1 × 4.5 ct = −5 ct; −0.20 % of 50 € = −10 ct; the unit price stays positive (BR-27) */
    assert.deepEqual(
      result.lines.map((line) => [line.quantity, line.unitPriceCentiMinor, line.netMinor]),
      [
        [-1, 450, -5],
        [-1, 1000, -10],
      ]
    )
    assert.equal(result.netMinor, -15)
    assert.equal(result.vatMinor, -3) // −2.85 → −3
    assert.equal(result.grossMinor, -18)
  })

  test('a sale and its full refund cancel out to no usage lines', ({ assert }) => {
    const result = computeInvoice(
      [{ terminalId: '10000001', monthlyFeeMinor: 1500, status: 'active' }],
      [usage({ salesCount: 1, salesAmountMinor: 4200, refundCount: 1, refundAmountMinor: 4200 })],
      TARIFF
    )
    assert.lengthOf(result.lines, 1)
    assert.equal(result.netMinor, 1500)
    assert.equal(result.vatMinor, 285)
    assert.equal(result.grossMinor, 1785)
  })

  test('a month with no transactions bills only the active terminals fee', ({ assert }) => {
    const result = computeInvoice(
      [
        { terminalId: '10000002', monthlyFeeMinor: 2500, status: 'active' },
        { terminalId: '10000001', monthlyFeeMinor: 1990, status: 'inactive' },
      ],
      [],
      TARIFF
    )
    assert.lengthOf(result.lines, 1)
    assert.equal(result.lines[0].terminalId, '10000002')
    assert.equal(result.netMinor, 2500)
    assert.equal(result.vatMinor, 475)
    assert.equal(result.grossMinor, 2975)
  })

  test('nothing to bill gives no lines and zero totals', ({ assert }) => {
    const result = computeInvoice(
      [{ terminalId: '10000001', monthlyFeeMinor: 1990, status: 'decommissioned' }],
      [],
      TARIFF
    )
    assert.lengthOf(result.lines, 0)
    assert.equal(result.netMinor, 0)
    assert.equal(result.vatMinor, 0)
    assert.equal(result.grossMinor, 0)
  })

  test('VAT is rounded once on the total, not per line', ({ assert }) => {
    /* per line: 2 × round(10.02 € × 19 % = 1.9038 €) = 2 × 1.90 € = 3.80 €;
       on the total: round(20.04 € × 19 % = 3.8076 €) = 3.81 € */
    const result = computeInvoice(
      [
        { terminalId: '10000001', monthlyFeeMinor: 1002, status: 'active' },
        { terminalId: '10000002', monthlyFeeMinor: 1002, status: 'active' },
      ],
      [],
      TARIFF
    )
    assert.equal(result.netMinor, 2004)
    assert.equal(result.vatMinor, 381)
    assert.equal(result.grossMinor, 2385)
  })
})
