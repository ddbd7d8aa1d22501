import { test } from '@japa/runner'
import { formatMoney } from '#services/format/formatters'
import { seededRandom } from '#tests/helpers/random'

/*
| formatMoney writes euros by hand for speed (a list page has 50 amounts); it must give
| exactly what Intl.NumberFormat gives, the format it replaced, in both languages.
*/
const intl = {
  de: new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR' }),
  en: new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'EUR' }),
}

test.group('Money format: euros as Intl writes them', () => {
  test('edge amounts in German and English', ({ assert }) => {
    const amounts = [
      0,
      -0,
      1,
      -1,
      9,
      10,
      99,
      100,
      101,
      999,
      1000,
      99_999,
      100_000,
      123_456,
      -123_456,
      99_999_999,
      100_000_000,
      123_456_789_012,
      -987_654_321,
      Number.MAX_SAFE_INTEGER,
      Number.MIN_SAFE_INTEGER,
    ]
    for (const minor of amounts) {
      for (const locale of ['de', 'en'] as const) {
        assert.equal(
          formatMoney(minor, locale),
          intl[locale].format(minor / 100),
          `${minor} ${locale}`
        )
      }
    }
    assert.equal(formatMoney(123_456, 'de'), '1.234,56\u00a0€')
    assert.equal(formatMoney(123_456, 'en'), '€1,234.56')
    assert.equal(formatMoney(-5, 'de'), '-0,05\u00a0€')
  })

  test('100,000 random amounts give the same text', ({ assert }) => {
    const random = seededRandom(19)
    const seen = new Set<string>()
    for (let i = 0; i < 100_000; i++) {
      const digits = 1 + Math.floor(random() * 13)
      const minor = Math.floor(random() * 10 ** digits) * (random() < 0.3 ? -1 : 1)
      const locale = random() < 0.5 ? 'de' : 'en'
      seen.add(`${minor}${locale}`)
      const ours = formatMoney(minor, locale)
      if (ours !== intl[locale].format(minor / 100)) {
        assert.fail(`${minor} ${locale}: ${ours} ≠ ${intl[locale].format(minor / 100)}`)
      }
    }
    /* many different amounts (short ones repeat by nature), not a cycle of a few thousand */
    assert.isAbove(seen.size, 50_000)
  })

  test('other currencies and non-integer amounts still go through Intl', ({ assert }) => {
    assert.equal(
      formatMoney(123_456, 'de', 'CHF'),
      new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'CHF' }).format(1234.56)
    )
    assert.equal(formatMoney(12.5, 'de'), intl.de.format(0.125))
  })
})
