import { readFile } from 'node:fs/promises'
import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import app from '@adonisjs/core/services/app'
import env from '#start/env'
import db from '@adonisjs/lucid/services/db'
import { resetState } from '#tests/helpers/db'
import { createCustomer } from '#tests/helpers/auth'
import redis from '@adonisjs/redis/services/main'
import { ApiTokenService } from '#services/ingest/api_token_service'
import {
  countTransactions,
  dumpTransactions,
  issueToken,
  item,
  postBatch,
  postRaw,
} from '#tests/functional/ingest/helpers'

/* Luhn-valid card numbers that must never be stored, logged or echoed. */
const PAN_IN_MASK = '4929480352831741'
const PAN_IN_RECEIPT = '5520 1769 3045 2188'
const PAN_IN_RECEIPT_DIGITS = PAN_IN_RECEIPT.replaceAll(' ', '')
const PAN_IN_BAD_JSON = '6011987314590318'

const logText = async () => {
  try {
    return await readFile(app.makePath(env.get('LOG_FILE', 'tmp/test.log')), 'utf8')
  } catch {
    return ''
  }
}

test.group('Ingest API: tokens', (group) => {
  group.each.setup(() => resetState())

  test('a request without a token gets 401 and writes nothing', async ({ assert }) => {
    const { terminals } = await createCustomer()
    const response = await postBatch([item(terminals[0].terminalId)])
    assert.equal(response.status, 401)
    assert.equal(response.json.error, 'unauthorized')
    assert.equal(await countTransactions(), 0)
  })

  test('a wrong or malformed token gets 401 and writes nothing', async ({ assert }) => {
    const { terminals } = await createCustomer()
    await issueToken()
    assert.equal((await postBatch([item(terminals[0].terminalId)], 'kp_not-a-token')).status, 401)
    const basic = await fetch(`http://${env.get('HOST')}:${env.get('PORT')}/api/v1/transactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'authorization': 'Basic dXNlcjpwdw==' },
      body: JSON.stringify({ transactions: [item(terminals[0].terminalId)] }),
    })
    assert.equal(basic.status, 401)
    assert.equal(await countTransactions(), 0)
  })

  test('a revoked token gets 401; a valid token is accepted', async ({ assert }) => {
    const { terminals } = await createCustomer()
    const token = await issueToken('host-a')
    const ok = await postBatch([item(terminals[0].terminalId)], token)
    assert.equal(ok.status, 200)
    assert.equal(await countTransactions(), 1)

    assert.equal(await ApiTokenService.revoke('host-a'), 1)
    const revoked = await postBatch([item(terminals[0].terminalId)], token)
    assert.equal(revoked.status, 401)
    assert.equal(await countTransactions(), 1)
  })

  test('only the token hash is stored', async ({ assert }) => {
    const token = await issueToken('host-b')
    const row = await db.from('api_tokens').where('name', 'host-b').firstOrFail()
    assert.lengthOf(row.token_hash, 64)
    assert.notInclude(JSON.stringify(row), token)
  })
})

/** The session id inside a signed `kp_session` cookie of a response, if any. */
function sessionIdOf(setCookies: string[]) {
  const cookie = setCookies.find((c) => c.startsWith('kp_session='))
  const signed = decodeURIComponent(cookie?.split(';')[0].split('=')[1] ?? '')
  const payload = signed.replace(/^s:/, '').split('.')[0]
  return payload
    ? (JSON.parse(Buffer.from(payload, 'base64url').toString()).message as string)
    : null
}

test.group('Ingest API: stateless', (group) => {
  group.each.setup(() => resetState())

  test('an API request leaves no session in Redis (a page request does)', async ({ assert }) => {
    const { terminals } = await createCustomer()
    const token = await issueToken()
    const base = `http://${env.get('HOST')}:${env.get('PORT')}`
    for (const auth of [token, 'kp_wrong']) {
      const response = await fetch(`${base}/api/v1/transactions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'authorization': `Bearer ${auth}` },
        body: JSON.stringify({ transactions: [item(terminals[0].terminalId)] }),
      })
      const sessionId = sessionIdOf(response.headers.getSetCookie())
      assert.isString(sessionId)
      assert.equal(await redis.exists(sessionId!), 0)
    }
    const page = await fetch(`${base}/impressum`)
    assert.equal(await redis.exists(sessionIdOf(page.headers.getSetCookie())!), 1)
  })
})

test.group('Ingest API: a mixed batch', (group) => {
  group.each.setup(() => resetState())

  test('references are exact: HOST-a1 and HOST-A1 are two transactions, HOST-A1 again a duplicate', async ({
    assert,
  }) => {
    const { terminals } = await createCustomer()
    const tid = terminals[0].terminalId
    const token = await issueToken()
    const first = await postBatch([item(tid, { reference: 'HOST-A1' })], token)
    assert.equal(first.json.results[0].status, 'created')
    const second = await postBatch(
      [item(tid, { reference: 'HOST-a1' }), item(tid, { reference: 'HOST-A1' })],
      token
    )
    assert.deepEqual(
      second.json.results.map((r: { status: string }) => r.status),
      ['created', 'duplicate']
    )
    const stored = await db.from('transactions').orderBy('id').select('reference')
    assert.deepEqual(
      stored.map((row) => row.reference),
      ['HOST-A1', 'HOST-a1']
    )
  })

  test('each item gets its own answer; one row is written; no full PAN is stored, logged or echoed', async ({
    assert,
  }) => {
    const { customer, terminals } = await createCustomer()
    const tid = terminals[0].terminalId
    const token = await issueToken()
    const good = item(tid, {
      amount_minor: 2499,
      card_brand: 'visa',
      pan_masked: '492948******1741',
    })
    const batch = [
      good,
      { ...good },
      item(tid, { pan_masked: PAN_IN_MASK }),
      item(tid, { receipt_number: `Beleg ${PAN_IN_RECEIPT}` }),
      item('99999999'),
      item(tid, { amount_minor: 12.5 }),
    ]

    const response = await postBatch(batch, token)
    assert.equal(response.status, 422, 'one item refused: 422, the others stored')
    const results = response.json.results
    assert.deepEqual(
      results.map((r: { status: string }) => r.status),
      ['created', 'duplicate', 'rejected', 'rejected', 'rejected', 'rejected']
    )
    assert.deepEqual(response.json.counts, { created: 1, duplicate: 1, rejected: 4 })
    assert.equal(results[0].reference, good.reference)
    assert.equal(results[1].reference, good.reference)
    assert.deepInclude(results[2].errors[0], { field: 'pan_masked', rule: 'card_number' })
    assert.deepInclude(results[3].errors[0], { field: 'receipt_number', rule: 'card_number' })
    assert.deepInclude(results[4].errors[0], { field: 'terminal_id', rule: 'exists' })
    assert.equal(results[5].errors[0].field, 'amount_minor')

    const rows = await db.from('transactions').select('*')
    assert.lengthOf(rows, 1)
    assert.include(rows[0], {
      reference: good.reference,
      customer_id: customer.id,
      terminal_id: terminals[0].id,
      amount_minor: 2499,
      card_brand: 'visa',
      pan_masked: '492948******1741',
      pan_last4: '1741',
    })

    for (const pan of [PAN_IN_MASK, PAN_IN_RECEIPT_DIGITS, PAN_IN_RECEIPT]) {
      assert.notInclude(response.text.replace(/\s/g, ''), pan.replace(/\s/g, ''))
      assert.notInclude(await dumpTransactions(), pan)
      assert.notInclude((await logText()).replace(/[\s-]/g, ''), pan.replace(/\s/g, ''))
    }
  })

  test('the same batch sent twice at the same time is stored once; each item created exactly once', async ({
    assert,
  }) => {
    const { terminals } = await createCustomer({ terminals: 2 })
    const token = await issueToken()
    for (let round = 0; round < 3; round++) {
      const batch = Array.from({ length: 200 }, (_, i) => item(terminals[i % 2].terminalId))
      const [first, second] = await Promise.all([postBatch(batch, token), postBatch(batch, token)])
      assert.equal(first.status, 200, first.text.slice(0, 300))
      assert.equal(second.status, 200, second.text.slice(0, 300))
      assert.equal(first.json.counts.created + second.json.counts.created, 200)
      assert.equal(first.json.counts.duplicate + second.json.counts.duplicate, 200)
      for (let i = 0; i < 200; i++) {
        const statuses = [first.json.results[i].status, second.json.results[i].status].sort()
        assert.deepEqual(statuses, ['created', 'duplicate'])
      }
      assert.equal(await countTransactions(), 200 * (round + 1))
    }
  })

  test('sending the same batch again reports every item as a duplicate and changes nothing', async ({
    assert,
  }) => {
    const { terminals } = await createCustomer()
    const token = await issueToken()
    const batch = [item(terminals[0].terminalId), item(terminals[0].terminalId)]
    assert.equal((await postBatch(batch, token)).json.counts.created, 2)
    const before = await dumpTransactions()

    const again = await postBatch(
      batch.map((entry) => ({ ...entry, amount_minor: 1 })),
      token
    )
    assert.equal(again.status, 200)
    assert.deepEqual(again.json.counts, { created: 0, duplicate: 2, rejected: 0 })
    assert.equal(await dumpTransactions(), before)
  })

  test('a batch of only bad items gets 422 with the reasons and writes nothing', async ({
    assert,
  }) => {
    const { terminals } = await createCustomer()
    const tid = terminals[0].terminalId
    const token = await issueToken()
    const future = DateTime.now().plus({ minutes: 10 }).toISO()
    const response = await postBatch(
      [
        item(tid, { occurred_at: '2026-11-27T10:00:00' }),
        item(tid, { occurred_at: future }),
        item(tid, { pan_masked: '4929480*****1741' }),
        item(tid, { currency: 'XYZ' }),
        item(tid, { amount_minor: '1299' }),
        item(tid, { amount_minor: 0 }),
        item(tid, { type: 'payout', card_brand: 'diners' }),
        item(tid, { reference: '' }),
        'not an object',
      ],
      token
    )
    assert.equal(response.status, 422)
    const fields = response.json.results.map((r: { errors: { field: string }[] }) =>
      r.errors.map((e) => e.field).join(',')
    )
    assert.deepEqual(fields.slice(0, 8), [
      'occurred_at',
      'occurred_at',
      'pan_masked',
      'currency',
      'amount_minor',
      'amount_minor',
      'type,card_brand',
      'reference',
    ])
    assert.equal(response.json.results[8].status, 'rejected')
    assert.equal(await countTransactions(), 0)
  })

  test('a PAN in the reference, a key or a number is refused and the reference not echoed', async ({
    assert,
  }) => {
    const { terminals } = await createCustomer()
    const tid = terminals[0].terminalId
    const token = await issueToken()
    const response = await postBatch(
      [
        item(tid, { reference: `REF-${PAN_IN_MASK}` }),
        item(tid, { auth_code: '4599-1423-6605-5225' }),
        { ...item(tid), extra: { [PAN_IN_MASK]: true } },
        item(tid, { amount_minor: 4599142366055225 }),
        item(tid, { receipt_number: '3714 225394 60037' }),
      ],
      token
    )
    assert.equal(response.status, 422)
    for (const result of response.json.results) {
      assert.equal(result.status, 'rejected')
      assert.equal(result.errors[0].rule, 'card_number')
      assert.isUndefined(result.reference)
    }
    assert.notInclude(response.text, PAN_IN_MASK)
    assert.equal(await countTransactions(), 0)
  })

  test('masked PANs with *, X or • are accepted and stored with * as the mask; quotes and ? stay data', async ({
    assert,
  }) => {
    const { terminals } = await createCustomer()
    const tid = terminals[0].terminalId
    const token = await issueToken()
    const response = await postBatch(
      [
        item(tid, { pan_masked: '672559XXXXXXXXX1234' }),
        item(tid, { pan_masked: '371422•••••0037', card_brand: 'amex' }),
        item(tid, { pan_masked: null, auth_code: null, receipt_number: null }),
        item(tid, { reference: `Q?'$&\\${tid}`, receipt_number: "?? ') ; --" }),
      ],
      token
    )
    assert.deepEqual(response.json.counts, { created: 4, duplicate: 0, rejected: 0 })
    const odd = await db.from('transactions').where('reference', `Q?'$&\\${tid}`).firstOrFail()
    assert.equal(odd.receipt_number, "?? ') ; --")
    const masks = []
    for (const result of response.json.results.slice(0, 3)) {
      const row = await db.from('transactions').where('id', result.id).firstOrFail()
      masks.push(`${row.pan_masked}/${row.pan_last4}`)
    }
    assert.deepEqual(masks, ['672559*********1234/1234', '371422*****0037/0037', 'null/null'])
  })
})

test.group('Ingest API: body limits', (group) => {
  group.each.setup(() => resetState())

  test('1,001 items get 413 with a clear message and nothing is written', async ({ assert }) => {
    const { terminals } = await createCustomer()
    const token = await issueToken()
    const batch = Array.from({ length: 1001 }, () => item(terminals[0].terminalId))
    const response = await postBatch(batch, token)
    assert.equal(response.status, 413)
    assert.equal(response.json.error, 'too_many_items')
    assert.include(response.json.message, 'At most 1000 transactions per request')
    assert.equal(await countTransactions(), 0)
  })

  test('1,000 items are accepted in one request', async ({ assert }) => {
    const { terminals } = await createCustomer({ terminals: 3 })
    const token = await issueToken()
    const batch = Array.from({ length: 1000 }, (_, i) =>
      item(terminals[i % 3].terminalId, { receipt_number: `R${i}`.padEnd(32, 'X') })
    )
    const response = await postBatch(batch, token)
    assert.equal(response.status, 200)
    assert.equal(response.json.counts.created, 1000)
    assert.equal(await countTransactions(), 1000)
  })

  test('a body over the size limit gets 413 with a clear message and nothing is written', async ({
    assert,
  }) => {
    const { terminals } = await createCustomer()
    const token = await issueToken()
    const padding = 'x'.repeat(3000)
    const batch = Array.from({ length: 1000 }, () => item(terminals[0].terminalId, { padding }))
    const response = await postBatch(batch, token)
    assert.equal(response.status, 413)
    assert.equal(response.json.error, 'body_too_large')
    assert.include(response.json.message, 'at most 1000 transactions per request')
    assert.equal(await countTransactions(), 0)
  })

  test('malformed JSON gets 400 with a message that does not quote the body', async ({
    assert,
  }) => {
    const { terminals } = await createCustomer()
    const token = await issueToken()
    const body = `{"transactions":[{"reference":"x","terminal_id":"${terminals[0].terminalId}","pan_masked":"${PAN_IN_BAD_JSON}",}`
    const response = await postRaw(body, token)
    assert.equal(response.status, 400)
    assert.deepEqual(response.json, {
      error: 'invalid_json',
      message: 'The request body is not valid JSON.',
    })
    assert.notInclude(response.text, PAN_IN_BAD_JSON)
    assert.notInclude(await logText(), PAN_IN_BAD_JSON)
    assert.equal(await countTransactions(), 0)
  })

  test('a body that is not {"transactions": [...]} gets 422 with a message', async ({ assert }) => {
    const token = await issueToken()
    for (const body of ['[]', '{"transactions": {}}', '{"transactions": []}']) {
      const response = await postRaw(body, token)
      assert.equal(response.status, 422)
      assert.include(response.json.message, '{"transactions": [ ... ]}')
    }
    const form = await postRaw('transactions=1', token, 'application/x-www-form-urlencoded')
    assert.equal(form.status, 422)
  })
})
