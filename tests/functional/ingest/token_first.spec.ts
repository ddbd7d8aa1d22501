import { test } from '@japa/runner'
import { connect, type Socket } from 'node:net'
import env from '#start/env'
import { resetState } from '#tests/helpers/db'
import { createCustomer } from '#tests/helpers/auth'
import { WebProcess } from '#tests/helpers/web_process'
import {
  API_PATH,
  countTransactions,
  issueToken,
  item,
  postBatch,
  postRaw,
} from '#tests/functional/ingest/helpers'

const BODY_BYTES = 2_000_000
const FIRST_CHUNK = 64 * 1024

/** A JSON body of exactly `BODY_BYTES` bytes: one item with a long padding field. */
function bigBody() {
  const head = '{"transactions":[{"reference":"BIG-1","padding":"'
  const tail = '"}]}'
  return Buffer.from(head + 'x'.repeat(BODY_BYTES - head.length - tail.length) + tail)
}

/**
 * Starts a POST of a 2 MB body over a raw socket but sends only its first 64 KB,
 * then waits up to `waitMs` for the server's answer. Resolves with the status
 * line seen (or null) and a function that sends the rest of the body.
 */
async function startUpload(authorization: string, waitMs: number) {
  const body = bigBody()
  const socket: Socket = connect(env.get('PORT'), env.get('HOST'))
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  let received = ''
  socket.on('data', (chunk) => (received += chunk.toString('latin1')))
  socket.on('error', () => {})
  socket.write(
    `POST ${API_PATH} HTTP/1.1\r\nHost: ${env.get('HOST')}\r\n` +
      `Authorization: ${authorization}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${body.length}\r\n\r\n`
  )
  socket.write(body.subarray(0, FIRST_CHUNK))
  const until = Date.now() + waitMs
  while (!received.includes('\r\n\r\n') && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  const statusLine = received.includes('\r\n') ? received.split('\r\n')[0] : null
  return {
    statusLine,
    received: () => received,
    /** Sends the other 1.9 MB and waits for an answer. */
    async finish() {
      socket.write(body.subarray(FIRST_CHUNK))
      const deadline = Date.now() + 15_000
      while (!received.includes('\r\n\r\n') && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      return received.split('\r\n')[0]
    },
    close: () => socket.destroy(),
  }
}

test.group('Ingest API: the token before the body', (group) => {
  group.each.setup(() => resetState())

  test('a 2 MB body with a wrong token is answered 401 before the client has sent it', async ({
    assert,
  }) => {
    await issueToken()
    const upload = await startUpload('Bearer kp_wrong-token', 5000)
    try {
      /* 1.9 MB are still unsent: the answer cannot have come from a parsed body */
      assert.equal(upload.statusLine, 'HTTP/1.1 401 Unauthorized')
      assert.include(upload.received(), '"error":"unauthorized"')
    } finally {
      upload.close()
    }
  })

  test('with a valid token the server waits for the whole body and then parses it', async ({
    assert,
  }) => {
    const token = await issueToken()
    const upload = await startUpload(`Bearer ${token}`, 1000)
    try {
      assert.isNull(upload.statusLine, 'no answer while the body is incomplete')
      /* parsed: one item, with no terminal and so on → every item rejected (422) */
      assert.equal(await upload.finish(), 'HTTP/1.1 422 Unprocessable Entity')
    } finally {
      upload.close()
    }
  })

  test('a wrong token gets 401 whatever the body: malformed, too large or a form', async ({
    assert,
  }) => {
    const token = await issueToken()
    const oversized = '{"transactions":[' + '"x",'.repeat(600_000) + '"x"]}'
    for (const [body, type] of [
      ['{"transactions":[{"reference":', 'application/json'],
      [oversized, 'application/json'],
      ['transactions=1', 'application/x-www-form-urlencoded'],
    ]) {
      const wrong = await postRaw(body, 'kp_wrong', type)
      assert.equal(wrong.status, 401, `wrong token, ${type}`)
      assert.deepEqual(wrong.json, {
        error: 'unauthorized',
        message: 'A valid API token is required.',
      })
    }
    /* the same bodies with the valid token are parsed and refused on their merits */
    assert.equal((await postRaw('{"transactions":[{"reference":', token)).status, 400)
    assert.equal((await postRaw(oversized, token)).status, 413)
  })

  test('after 30 wrong tokens from one address: 429 with Retry-After; a valid token still works', async ({
    assert,
  }) => {
    const { terminals } = await createCustomer()
    const token = await issueToken()
    for (let i = 0; i < 30; i++) {
      assert.equal((await postBatch([item(terminals[0].terminalId)], `kp_guess-${i}`)).status, 401)
    }
    const response = await fetch(`http://${env.get('HOST')}:${env.get('PORT')}${API_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'authorization': 'Bearer kp_guess-31' },
      body: JSON.stringify({ transactions: [item(terminals[0].terminalId)] }),
    })
    assert.equal(response.status, 429)
    const wait = Number(response.headers.get('retry-after'))
    assert.isAbove(wait, 14 * 60)
    assert.isAtMost(wait, 15 * 60)
    assert.equal(((await response.json()) as { error: string }).error, 'too_many_requests')

    const ok = await postBatch([item(terminals[0].terminalId)], token)
    assert.equal(ok.status, 200)
    assert.equal(await countTransactions(), 1)
  })
})

test.group('Ingest API: per-token rate limit (API_RATE_LIMIT)', (group) => {
  let web: WebProcess
  group.setup(async () => {
    web = new WebProcess({ API_RATE_LIMIT: '3' })
    await web.start()
    return async () => {
      await web.stop()
    }
  })
  group.each.setup(() => resetState())

  test('a token over its limit gets 429 with Retry-After and nothing is stored; other tokens go on', async ({
    assert,
  }) => {
    const { terminals } = await createCustomer()
    const tid = terminals[0].terminalId
    const host = await issueToken('processing-host')
    const other = await issueToken('second-host')
    for (let i = 0; i < 3; i++) {
      assert.equal((await web.postBatch([item(tid)], host)).status, 200)
    }
    const response = await fetch(web.baseUrl + API_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'authorization': `Bearer ${host}` },
      body: JSON.stringify({ transactions: [item(tid)] }),
    })
    assert.equal(response.status, 429)
    const wait = Number(response.headers.get('retry-after'))
    assert.isAtLeast(wait, 1)
    assert.isAtMost(wait, 60)
    assert.deepEqual(await response.json(), {
      error: 'too_many_requests',
      message: `Too many requests. Try again in ${wait} seconds.`,
    })
    assert.equal(await countTransactions(), 3)

    assert.equal((await web.postBatch([item(tid)], other)).status, 200)
    assert.equal(await countTransactions(), 4)
  }).timeout(30_000)
})
