import { test } from '@japa/runner'
import { containsPan, maskPans } from '#services/security/card_number_guard'
import { seededRandom } from '#tests/helpers/random'

/** `\uXXXX` spelled out, as a JSON text or a pasted source string carries it. */
const escaped = (text: string) =>
  [...text].map((char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')

test.group('Card-number guard: what counts as a card number', () => {
  test('{title}: found and masked to first 6 + last 4')
    .with([
      { title: 'plain', text: '4111111111111111', masked: '411111******1111' },
      { title: 'spaces', text: '4111 1111 1111 1111', masked: '4111 11** **** 1111' },
      { title: 'dashes', text: '4111-1111-1111-1111', masked: '4111-11**-****-1111' },
      { title: 'dots', text: '4111.1111.1111.1111', masked: '4111.11**.****.1111' },
      { title: 'slashes', text: '4111/1111/1111/1111', masked: '4111/11**/****/1111' },
      { title: 'underscores', text: '4111_1111_1111_1111', masked: '4111_11**_****_1111' },
      { title: 'commas', text: '4111,1111,1111,1111', masked: '4111,11**,****,1111' },
      {
        title: 'spaced dashes',
        text: '4111 - 1111 - 1111 - 1111',
        masked: '4111 - 11** - **** - 1111',
      },
      { title: 'mixed separators', text: '4111 1111-1111.1111', masked: '4111 11**-****.1111' },
      { title: 'Amex 4-6-5', text: '3782 822463 10005', masked: '3782 82**** *0005' },
      { title: '13 digits', text: '4222222222222', masked: '422222***2222' },
      { title: '19 digits', text: '4111111111111111110', masked: '411111*********1110' },
      {
        title: 'in a sentence',
        text: 'Karte 4111 1111 1111 1111 doppelt belastet',
        masked: 'Karte 4111 11** **** 1111 doppelt belastet',
      },
      {
        title: 'inside a 20-digit run (PAN first)',
        text: 'Ref 41111111111111110000',
        masked: 'Ref 411111*********10000',
      },
      {
        title: 'inside a 20-digit run (PAN last)',
        text: '00004111111111111111',
        masked: '0000411111******1111',
      },
      {
        title: 'inside a 17-digit run',
        text: '94111111111111111',
        masked: '9411111******1111',
      },
      {
        title: 'beside other groups',
        text: 'TID 12345678 4111111111111111',
        masked: 'TID 12345678 411111******1111',
      },
      {
        title: 'spelled as \\u escapes',
        text: `${escaped('4111')} 1111 1111 1111`,
        masked: `${escaped('4111')} 11** **** 1111`,
      },
      {
        title: 'separators as \\u escapes',
        text: `4111${escaped(' ')}1111${escaped('-')}1111${escaped(' ')}1111`,
        masked: `4111${escaped(' ')}11**${escaped('-')}****${escaped(' ')}1111`,
      },
      {
        title: 'full-width digits',
        text: '４１１１ １１１１ １１１１ １１１１',
        masked: '４１１１ １１** **** １１１１',
      },
      {
        title: 'no-break spaces',
        text: '4111\u00a01111\u00a01111\u00a01111',
        masked: '4111\u00a011**\u00a0****\u00a01111',
      },
      { title: 'en dashes', text: '4111–1111–1111–1111', masked: '4111–11**–****–1111' },
      {
        title: 'zero-width spaces',
        text: '4111\u200b1111\u200b1111\u200b1111',
        masked: '4111\u200b11**\u200b****\u200b1111',
      },
      {
        title: 'two in one text',
        text: '4111111111111111 und 5555 5555 5555 4444',
        masked: '411111******1111 und 5555 55** **** 4444',
      },
    ])
    .run(({ assert }, { text, masked }) => {
      assert.isTrue(containsPan(text))
      const result = maskPans(text)
      assert.isTrue(result.masked)
      assert.equal(result.text, masked)
      /* what stays is never a card number again */
      assert.isFalse(containsPan(result.text))
      assert.deepEqual(maskPans(result.text), { text: result.text, masked: false })
    })

  test('{title}: kept as written')
    .with([
      { title: 'Luhn fails', text: '4111 1111 1111 1112' },
      { title: 'Luhn fails, plain, no window inside passes', text: '4929480352831712' },
      { title: '12 digits passing Luhn', text: '411111111117' },
      { title: '12 digits in groups', text: '4111 1111 1117' },
      {
        title: '20-digit run without a Luhn-valid 13–19 digit window',
        text: '93804548762547288202',
      },
      { title: '20 digits in groups of 4', text: '1234 5678 9012 3456 7890' },
      { title: 'a zero-padded counter', text: 'Beleg 0000000000000123' },
      { title: 'zeros only', text: '0000 0000 0000 0000' },
      { title: 'already masked', text: '411111******1111' },
      { title: 'masked with groups', text: '4111 11** **** 1111' },
      { title: 'groups 4 separators apart', text: '4111 -- - 1111 1111 1111' },
      { title: 'a line break between groups', text: '4111 1111\n1111 1111' },
      { title: 'a German IBAN', text: 'IBAN DE89 3704 0044 0532 0130 00 bitte' },
      { title: 'a German IBAN unspaced', text: 'DE89370400440532013000' },
      { title: 'an international phone number', text: 'Rückruf +49 151 12345678' },
      { title: 'date and time', text: '2026-11-27T10:15:00+01:00' },
      { title: 'amounts and a TID', text: 'TID 60000001, 12,50 € und 13,00 €' },
      { title: 'a letter escape', text: '\\u00c4rger mit 4111 1111' },
      { title: 'empty', text: '' },
    ])
    .run(({ assert }, { text }) => {
      assert.isFalse(containsPan(text))
      assert.deepEqual(maskPans(text), { text, masked: false })
    })

  test('a PAN with a plus or inside an IBAN-like text that is no valid IBAN is still found', ({
    assert,
  }) => {
    /* 16 digits cannot be a phone number (E.164 has at most 15) */
    assert.isTrue(containsPan('+4111 1111 1111 1111'))
    /* wrong check digits: not an IBAN */
    assert.isTrue(containsPan('DE00 4111 1111 1111 1111 00'))
  })

  test('masking leaves no card number and changes nothing but digits (random texts)', ({
    assert,
  }) => {
    /* deterministic pseudo-random generator: a failure can be reproduced */
    const random = seededRandom(1401)
    const pick = (chars: string[]) => chars[Math.floor(random() * chars.length)]
    const pieces = [...'0123456789123456789', ' ', '-', '.', '/', '_', ',', 'x', '\n', '+', 'DE']
    let masked = 0
    for (let round = 0; round < 2000; round++) {
      let text = ''
      const length = 10 + Math.floor(random() * 60)
      while (text.length < length) text += pick(pieces)
      const result = maskPans(text)
      assert.isFalse(containsPan(result.text), `${text} → ${result.text}`)
      assert.equal(result.masked, result.text !== text)
      assert.lengthOf(result.text, text.length)
      for (const [i, char] of [...text].entries()) {
        if (result.text[i] !== char) assert.match(char + result.text[i], /^\d\*$/)
      }
      if (result.masked) masked++
    }
    assert.isAbove(masked, 100)
  })
})
