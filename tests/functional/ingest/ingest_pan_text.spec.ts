import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { resetState } from '#tests/helpers/db'
import { createCustomer } from '#tests/helpers/auth'
import {
  countTransactions,
  dumpTransactions,
  issueToken,
  item,
  postRaw,
} from '#tests/functional/ingest/helpers'

/* Luhn-valid card numbers that must never be stored or echoed. */
const PAN = '4929480352831741'
/* 4.92948035281e15 === 4929480352810000, also Luhn-valid; its text has only 12 digits in a row */
const PAN_OF_EXPONENT = '4929480352810000'

/** A run of 13 digits, possibly with separators: what the one-scan fast path looks for. */
const THIRTEEN_DIGIT_RUN = /\d(?:[ \-.]{0,3}\d){12}/

/** Every character as a JSON `\uXXXX` escape: "\u0034\u0039…". */
const unicodeEscaped = (text: string) =>
  [...text].map((char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')

/** The JSON text of an item with `receipt_number` (or an extra field) written by hand. */
function itemText(fields: Record<string, unknown>, raw: { receipt?: string; extra?: string }) {
  let text = JSON.stringify({ ...fields, receipt_number: 'RAW-RECEIPT' })
  if (raw.receipt !== undefined) text = text.replace('"RAW-RECEIPT"', `"${raw.receipt}"`)
  if (raw.extra !== undefined) text = text.replace(/}$/, `,${raw.extra}}`)
  return text
}

const body = (itemTexts: string[]) => `{"transactions":[${itemTexts.join(',')}]}`

test.group('Ingest API: card numbers hidden in the JSON text', (group) => {
  group.each.setup(() => resetState())

  test('a PAN spelled with \\u escapes in receipt_number is refused; the good item is stored', async ({
    assert,
  }) => {
    const { terminals } = await createCustomer()
    const tid = terminals[0].terminalId
    const token = await issueToken()
    const good = item(tid, { receipt_number: '000123' })
    const bad = item(tid)
    const text = body([JSON.stringify(good), itemText(bad, { receipt: unicodeEscaped(PAN) })])
    /* the text itself shows no card number: only the escapes spell it */
    assert.notInclude(text, PAN)
    assert.notMatch(text, THIRTEEN_DIGIT_RUN)
    assert.equal(JSON.parse(text).transactions[1].receipt_number, PAN)

    const response = await postRaw(text, token)
    assert.equal(response.status, 422)
    assert.deepEqual(response.json.counts, { created: 1, duplicate: 0, rejected: 1 })
    const [created, rejected] = response.json.results
    assert.include(created, { index: 0, status: 'created', reference: good.reference })
    assert.equal(rejected.status, 'rejected')
    assert.deepEqual(
      rejected.errors.map((e: { field: string; rule: string }) => [e.field, e.rule]),
      [['receipt_number', 'card_number']]
    )
    /* a refused card-number item is not echoed, not even its reference */
    assert.isUndefined(rejected.reference)
    assert.notInclude(response.text, PAN)

    const rows = await db.from('transactions').select('reference', 'receipt_number')
    assert.deepEqual(
      rows.map((row) => ({ ...row })),
      [{ reference: good.reference, receipt_number: '000123' }]
    )
  })

  test('an extra field with a PAN as a number with exponent is refused: {title}')
    .with([
      { title: 'all digits in the mantissa', number: '4.929480352831741e15', pan: PAN },
      { title: 'only 12 digits in the text', number: '4.92948035281e15', pan: PAN_OF_EXPONENT },
      { title: 'upper-case E and spaces', number: ' 492948035281E4', pan: PAN_OF_EXPONENT },
    ])
    .run(async ({ assert }, { number, pan }) => {
      const { terminals } = await createCustomer()
      const tid = terminals[0].terminalId
      const token = await issueToken()
      const good = item(tid)
      const bad = item(tid)
      const text = body([JSON.stringify(good), itemText(bad, { extra: `"x":${number}` })])
      assert.equal(JSON.parse(text).transactions[1].x, Number(pan))

      const response = await postRaw(text, token)
      assert.equal(response.status, 422)
      assert.deepEqual(response.json.counts, { created: 1, duplicate: 0, rejected: 1 })
      assert.equal(response.json.results[0].status, 'created')
      const rejected = response.json.results[1]
      assert.equal(rejected.status, 'rejected')
      assert.deepEqual(
        rejected.errors.map((e: { field: string; rule: string }) => [e.field, e.rule]),
        [['x', 'card_number']]
      )
      assert.isUndefined(rejected.reference)
      assert.notInclude(response.text, pan)
      assert.notInclude(await dumpTransactions(), bad.reference)
    })

  test('nothing of a PAN hidden in escapes or exponents reaches the transactions table', async ({
    assert,
  }) => {
    const { terminals } = await createCustomer({ terminals: 2 })
    const token = await issueToken()
    const goods = terminals.map((terminal) => item(terminal.terminalId))
    const bads = [
      itemText(item(terminals[0].terminalId), { receipt: unicodeEscaped(PAN) }),
      itemText(item(terminals[0].terminalId), {
        receipt: `Karte 4929${unicodeEscaped(' ')}4803${unicodeEscaped('-')}5283 1741`,
      }),
      itemText(item(terminals[1].terminalId), { extra: '"x":4.92948035281e15' }),
      itemText(item(terminals[1].terminalId), {
        extra: `"meta":{"card":"${unicodeEscaped(PAN)}"}`,
      }),
      itemText(item(terminals[1].terminalId), { extra: `"${unicodeEscaped(PAN)}":true` }),
    ]
    const text = body([...bads, ...goods.map((good) => JSON.stringify(good))])
    assert.notMatch(text, THIRTEEN_DIGIT_RUN)

    const response = await postRaw(text, token)
    assert.equal(response.status, 422)
    assert.deepEqual(response.json.counts, { created: 2, duplicate: 0, rejected: 5 })
    for (const result of response.json.results.slice(0, 5)) {
      assert.equal(result.status, 'rejected')
      assert.equal(result.errors[0].rule, 'card_number')
    }
    assert.deepEqual(
      response.json.results
        .slice(0, 5)
        .map((r: { errors: { field: string }[] }) => r.errors[0].field),
      ['receipt_number', 'receipt_number', 'x', 'meta', '(field name)']
    )

    assert.equal(await countTransactions(), 2)
    const stored = await dumpTransactions()
    for (const digits of [PAN, PAN_OF_EXPONENT, '4929480352', '80352831741', '5283 1741']) {
      assert.notInclude(stored, digits)
    }
    assert.notInclude(stored, '\\u00')
    assert.notInclude(response.text, PAN)
  })

  test(
    'a PAN written with slashes, underscores, commas or inside a longer run is refused in {field}'
  )
    .with([
      { field: 'receipt_number', value: '4929/4803/5283/1741' },
      { field: 'receipt_number', value: '4929_4803_5283_1741' },
      { field: 'receipt_number', value: '4929,4803,5283,1741' },
      { field: 'reference', value: '49294803528317410000' },
      { field: 'reference', value: 'R-00004929480352831741' },
      { field: 'receipt_number', value: '4929\u00a04803\u00a05283\u00a01741' },
    ])
    .run(async ({ assert }, { field, value }) => {
      const { terminals } = await createCustomer()
      const token = await issueToken()
      const good = item(terminals[0].terminalId)
      const bad = item(terminals[0].terminalId, { [field]: JSON.parse(`"${value}"`) })
      const response = await postRaw(body([JSON.stringify(good), JSON.stringify(bad)]), token)
      assert.equal(response.status, 422)
      assert.deepEqual(response.json.counts, { created: 1, duplicate: 0, rejected: 1 })
      assert.deepEqual(response.json.results[1].errors, [
        { field, rule: 'card_number', message: response.json.results[1].errors[0].message },
      ])
      assert.isUndefined(response.json.results[1].reference)
      assert.notInclude(response.text, '5283')
      assert.notInclude(await dumpTransactions(), '5283')
    })
})
