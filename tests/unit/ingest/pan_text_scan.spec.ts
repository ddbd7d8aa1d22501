import { test } from '@japa/runner'
import { fieldsWithPan, jsonTextMayHoldPan } from '#services/ingest/pan_guard'

/* A Luhn-valid card number that must never get past the guard. */
const PAN = '4929480352831741'

/** Every character of `text` as a JSON `\uXXXX` escape. */
const unicodeEscaped = (text: string) =>
  [...text].map((char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')

/** What the processing host sends: masked PANs, offsets, letter-digit auth codes, no long runs. */
function realisticBatch(size: number) {
  const brands = ['girocard', 'visa', 'mastercard', 'maestro', 'vpay', 'amex']
  return {
    transactions: Array.from({ length: size }, (_, i) => ({
      reference: `HOST-2026-${String(i).padStart(6, '0')}`,
      terminal_id: String(60_000_001 + (i % 500)),
      occurred_at: `2026-11-27T${String(8 + (i % 10)).padStart(2, '0')}:15:0${i % 10}+01:00`,
      type: i % 25 === 0 ? 'refund' : 'sale',
      status: i % 20 === 0 ? 'declined' : 'approved',
      amount_minor: 100 + ((i * 7919) % 99_900),
      currency: 'EUR',
      card_brand: brands[i % brands.length],
      pan_masked: i % 3 === 0 ? '492948******1741' : i % 3 === 1 ? '6725 59** **** 1234' : null,
      auth_code: ['4E2F91', '1E5', '0e0', 'A1B2C3', '12E345', '9e99'][i % 6],
      receipt_number: `Beleg ${i % 10_000}/${String(i).padStart(6, '0')}`,
    })),
  }
}

test.group('PAN guard: one scan of the request body', () => {
  test('a PAN written plainly or in groups in the text: {title}')
    .with([
      { title: 'plain in a string', text: `{"transactions":[{"receipt_number":"${PAN}"}]}` },
      { title: 'inside text', text: `{"transactions":[{"receipt_number":"Karte ${PAN} ok"}]}` },
      { title: 'grouped with spaces', text: '{"a":"4929 4803 5283 1741"}' },
      { title: 'grouped with dashes', text: '{"a":"4929-4803-5283-1741"}' },
      { title: 'grouped with dots', text: '{"a":"4929.4803.5283.1741"}' },
      { title: 'grouped with " - "', text: '{"a":"4929 - 4803 - 5283 - 1741"}' },
      { title: 'as a JSON number', text: `{"amount_minor":${PAN}}` },
      { title: 'as a key', text: `{"x":{"${PAN}":true}}` },
    ])
    .run(({ assert }, { text }) => {
      assert.isTrue(jsonTextMayHoldPan(text))
    })

  test('a \\u escape may spell digits or separators: {title}')
    .with([
      {
        title: 'the whole PAN escaped',
        text: `{"receipt_number":"${unicodeEscaped(PAN)}"}`,
        holdsPan: true,
      },
      {
        title: 'one digit escaped',
        text: `{"receipt_number":"4929480352${unicodeEscaped('8')}31741"}`,
        holdsPan: true,
      },
      {
        title: 'escaped spaces between groups',
        text: `{"a":"4929${unicodeEscaped(' ')}4803${unicodeEscaped(' ')}5283${unicodeEscaped(' ')}1741"}`,
        holdsPan: true,
      },
      { title: 'an escape of a letter', text: '{"a":"\\u00C4"}', holdsPan: false },
    ])
    .run(({ assert }, { text, holdsPan }) => {
      assert.isTrue(jsonTextMayHoldPan(text), text)
      /* the full scan of the decoded item then decides */
      assert.equal(fieldsWithPan(JSON.parse(text), true).length, holdsPan ? 1 : 0)
    })

  test('a JSON number with an exponent may hide digits: {title}')
    .with([
      { title: '4.929480352831741e15', text: '{"a":4.929480352831741e15}' },
      { title: '[1e21]', text: '[1e21]' },
      { title: '4.92948035281e15', text: '{"x":4.92948035281e15}' },
      { title: 'negative, E+ in an array', text: '{"a": [1, 2, -3.5E+2]}' },
      { title: 'after a tab', text: '{"a":1,"b": \t7e3}' },
      { title: 'after a line break in an array', text: '{"a":[1,\r\n  7e3]}' },
      { title: 'first in an array', text: '[0,\t1E-7]' },
    ])
    .run(({ assert }, { text }) => {
      assert.isTrue(jsonTextMayHoldPan(text))
    })

  test('the exponent form hides a PAN the digit scan cannot see, and the item scan finds it', ({
    assert,
  }) => {
    /* 4.92948035281e15 is 4929480352810000, Luhn-valid; the text has only 12 digits in a row */
    const text = '{"transactions":[{"reference":"R1","x":4.92948035281e15}]}'
    assert.notMatch(text, /\d(?:[ \-.]{0,3}\d){12}/)
    assert.isTrue(jsonTextMayHoldPan(text))
    const [parsed] = JSON.parse(text).transactions
    assert.deepEqual(fieldsWithPan(parsed, true), ['x'])
  })

  test('a realistic 1,000-item batch without long digit runs is cleared in one scan', ({
    assert,
  }) => {
    const batch = realisticBatch(1000)
    const text = JSON.stringify(batch)
    assert.isFalse(jsonTextMayHoldPan(text))
    /* and rightly so: the full per-item scan finds nothing either */
    for (const entry of batch.transactions) assert.deepEqual(fieldsWithPan(entry, true), [])
    /* pretty-printed, as some hosts send it */
    assert.isFalse(jsonTextMayHoldPan(JSON.stringify(batch.transactions.slice(0, 50), null, 2)))
  })

  test('auth codes with a digit and an E inside strings are no exponent: {code}')
    .with([{ code: '4E2F91' }, { code: '1E5' }, { code: '0e0' }, { code: '12E345' }])
    .run(({ assert }, { code }) => {
      const single = JSON.stringify({ transactions: [{ auth_code: code, amount_minor: 1299 }] })
      assert.isFalse(jsonTextMayHoldPan(single), single)
      assert.isFalse(jsonTextMayHoldPan(JSON.stringify([code, code])))
      assert.isFalse(jsonTextMayHoldPan(`{"a" : "${code}", "b" :[ "${code}" ]}`))
    })

  test('short digit runs, masked PANs and escapes other than \\u do not trigger the scan', ({
    assert,
  }) => {
    for (const text of [
      '{"pan_masked":"492948******1741"}',
      '{"pan_masked":"4929 48** **** 1741"}',
      '{"occurred_at":"2026-11-27T10:15:00.123+01:00"}',
      '{"reference":"HOST-2026-000123","terminal_id":"60000001"}',
      '{"receipt_number":"123456789012"}',
      '{"a":"1234567890\\n123456","b":"\\"\\\\\\/\\t\\r\\b\\f"}',
      '{"amount_minor":99999999,"b":-12.5,"c":0.000001}',
    ]) {
      assert.isFalse(jsonTextMayHoldPan(text), text)
    }
  })

  test('whenever a decoded item holds a PAN, the text of its batch is scanned (random bodies)', ({
    assert,
  }) => {
    /* deterministic pseudo-random generator: a failure can be reproduced */
    let seed = 20261127
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
      return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
    }
    const pick = (chars: string) => chars[Math.floor(random() * chars.length)]
    /* a JSON string literal; in some, characters spelled as \u escapes, as a host might */
    const literal = (value: string, escapeRate: number) =>
      `"${[...value]
        .map((char) =>
          random() < escapeRate ? unicodeEscaped(char) : JSON.stringify(char).slice(1, -1)
        )
        .join('')}"`
    let withPan = 0
    let withPanUnescaped = 0
    for (let round = 0; round < 3000; round++) {
      let value = ''
      const length = 13 + Math.floor(random() * 12)
      while (value.length < length) {
        const roll = random()
        if (roll < 0.82) value += pick('0123456789')
        else if (roll < 0.97) value += pick(' -.').repeat(1 + Math.floor(random() * 3))
        else value += pick('x/"\\\n')
      }
      const text = `{"transactions":[{"reference":"R1","receipt_number":${literal(value, random() < 0.3 ? 0.1 : 0)}}]}`
      const [parsed] = JSON.parse(text).transactions
      assert.equal(parsed.receipt_number, value)
      if (fieldsWithPan(parsed, true).length) {
        withPan++
        if (!text.includes('\\u')) withPanUnescaped++
        assert.isTrue(jsonTextMayHoldPan(text), `missed: ${text}`)
      }
    }
    /* the generator did produce PANs to miss */
    assert.isAbove(withPan, 100)
    assert.isAbove(withPanUnescaped, 50, String(withPanUnescaped))
  })
})

test.group('PAN guard: the body scan knows every separator of the guard', () => {
  test('a PAN in groups with {title} is seen in the text')
    .with([
      { title: 'slashes', separator: '/' },
      { title: 'underscores', separator: '_' },
      { title: 'commas', separator: ',' },
      { title: 'tabs', separator: '\t' },
      { title: 'no-break spaces', separator: '\u00a0' },
      { title: 'en dashes', separator: '–' },
      { title: 'zero-width spaces', separator: '\u200b' },
      { title: '", "', separator: ', ' },
    ])
    .run(({ assert }, { title, separator }) => {
      const value = ['4929', '4803', '5283', '1741'].join(separator)
      for (const text of [
        JSON.stringify({ receipt_number: value }),
        /* PHP's json_encode writes "/" as "\/" */
        JSON.stringify({ receipt_number: value }).replaceAll('/', '\\/'),
      ]) {
        assert.isTrue(jsonTextMayHoldPan(text), `${title}: ${text}`)
        assert.deepEqual(fieldsWithPan(JSON.parse(text), true), ['receipt_number'])
      }
    })

  test('whenever a decoded item holds a PAN, its text is scanned (random bodies, all separators)', ({
    assert,
  }) => {
    let seed = 14
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
      return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
    }
    const pick = (chars: string[]) => chars[Math.floor(random() * chars.length)]
    const separators = [' ', '-', '.', '/', '_', ',', '\t', '\u00a0', '–', '\u200b', '\u3000']
    const digits = [...'0123456789', '４', '１']
    let withPan = 0
    for (let round = 0; round < 3000; round++) {
      let value = ''
      const length = 13 + Math.floor(random() * 14)
      while (value.length < length) {
        const roll = random()
        if (roll < 0.8) value += pick(digits)
        else if (roll < 0.97) value += pick(separators).repeat(1 + Math.floor(random() * 3))
        else value += pick(['x', '\n', '\\', '"'])
      }
      let text = JSON.stringify({ transactions: [{ reference: 'R1', receipt_number: value }] })
      if (random() < 0.3) text = text.replaceAll('/', '\\/')
      const [parsed] = JSON.parse(text).transactions
      assert.equal(parsed.receipt_number, value)
      if (fieldsWithPan(parsed, true).length) {
        withPan++
        assert.isTrue(jsonTextMayHoldPan(text), `missed: ${text}`)
      }
    }
    assert.isAbove(withPan, 100)
  })
})
