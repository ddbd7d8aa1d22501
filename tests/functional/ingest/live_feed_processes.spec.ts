import { test } from '@japa/runner'
import redis from '@adonisjs/redis/services/main'
import { Agent } from '#tests/helpers/agent'
import { WebProcess } from '#tests/helpers/web_process'
import { resetState } from '#tests/helpers/db'
import { createMerchant, loginAs } from '#tests/helpers/auth'
import { LiveClient } from '#tests/helpers/live_client'
import { issueToken, item, postBatch } from '#tests/functional/ingest/helpers'
import {
  LIVE_LISTENERS_CHANNEL,
  LIVE_REDIS_CHANNEL,
  transactionsChannel,
} from '#services/ingest/live_feed'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * The batches crossing Redis, as an outside observer sees them. `counted: false`
 * listens with a pattern subscription, which NUMSUB (the publishers' question
 * "does anybody listen?") does not count; `counted: true` is a plain subscriber.
 */
async function watchBatches(counted: boolean, cleanup: (fn: () => Promise<void>) => void) {
  const connection = redis.connection().ioConnection.duplicate()
  cleanup(async () => {
    await connection.quit()
  })
  const messages: string[] = []
  const keep = (channel: string, message: string) => {
    if (channel === LIVE_REDIS_CHANNEL) messages.push(message)
  }
  if (counted) {
    connection.on('message', keep)
    await connection.subscribe(LIVE_REDIS_CHANNEL)
  } else {
    connection.on('pmessage', (_pattern: string, channel: string, message: string) =>
      keep(channel, message)
    )
    await connection.psubscribe(`${LIVE_REDIS_CHANNEL}*`)
  }
  return messages
}

async function loggedInStream(agent: Agent, email: string, password: string) {
  await loginAs(agent, email, password)
  const live = new LiveClient(agent)
  await live.open()
  return live
}

test.group('Live feed across web processes', (group) => {
  const second = new WebProcess()
  group.setup(async () => {
    await second.start()
    return async () => {
      await second.stop()
    }
  })
  group.each.setup(() => resetState())

  test('while no other process has a live stream no batch crosses Redis; one opened stream brings them back', async ({
    assert,
    cleanup,
  }) => {
    const a = await createMerchant()
    const token = await issueToken()
    /* seen from outside, without counting as a listener */
    const crossed = await watchBatches(false, cleanup)
    const countOf = (reference: string) => crossed.filter((m) => m.includes(reference)).length

    /* first in the group: the other process has had no stream yet (a process stays
       subscribed for a minute after its last stream closed, see LiveFeed) */
    /* no stream anywhere: the first batch may go out while the publisher asks who listens */
    await postBatch([item(a.terminals[0].terminalId)], token)
    await sleep(200)
    const quiet = item(a.terminals[0].terminalId)
    assert.equal((await postBatch([quiet], token)).json.counts.created, 1)
    await sleep(300)
    assert.equal(countOf(quiet.reference), 0, 'a batch nobody listens to stays in its process')

    /* A opens the live page on the other process: it announces itself, batches cross again */
    const liveA = await loggedInStream(new Agent({}, second.baseUrl), a.user.email, a.password)
    cleanup(() => liveA.close())
    assert.equal((await liveA.subscribe(transactionsChannel(a.customers[0].id))).status, 204)
    await sleep(100)
    const heard = item(a.terminals[0].terminalId)
    const sentAt = Date.now()
    await postBatch([heard], token)
    const received = await liveA.waitFor(
      (m) => JSON.stringify(m.payload).includes(heard.reference),
      1000
    )
    assert.isNotNull(received, 'the stream on the other process got nothing within 1 s')
    assert.isBelow(received!.at - sentAt, 1000)
    assert.equal(countOf(heard.reference), 1)
  })

  test("a transaction stored by another web process reaches its customer's stream here within 1 s, no other customer's", async ({
    assert,
    cleanup,
  }) => {
    const a = await createMerchant()
    const b = await createMerchant()
    /* the token lives in the shared database, so the second process accepts it */
    const token = await issueToken()
    const liveA = await loggedInStream(new Agent(), a.user.email, a.password)
    const liveB = await loggedInStream(new Agent(), b.user.email, b.password)
    cleanup(() => {
      liveA.close()
      liveB.close()
    })
    const channelA = transactionsChannel(a.customers[0].id)
    const channelB = transactionsChannel(b.customers[0].id)
    assert.equal((await liveA.subscribe(channelA)).status, 204)
    assert.equal((await liveB.subscribe(channelB)).status, 204)

    const forA = item(a.terminals[0].terminalId, {
      pan_masked: '492948******1741',
      receipt_number: 'B-77',
    })
    const sentAt = Date.now()
    const response = await second.postBatch([forA], token)
    assert.equal(response.status, 200)
    assert.equal(response.json.results[0].status, 'created')

    const received = await liveA.waitFor((m) => m.channel === channelA, 1000)
    assert.isNotNull(received, 'A got nothing within 1 s from the other process')
    assert.isBelow(received!.at - sentAt, 1000)
    assert.lengthOf(received!.payload.transactions, 1)
    const [transaction] = received!.payload.transactions
    assert.include(transaction, {
      id: response.json.results[0].id,
      reference: forA.reference,
      terminal_id: a.terminals[0].terminalId,
      type: 'sale',
      status: 'approved',
      amount_minor: 1299,
      currency: 'EUR',
      card_brand: 'girocard',
      pan_last4: '1741',
      receipt_number: 'B-77',
    })
    assert.notProperty(transaction, 'pan_masked')
    assert.notProperty(transaction, 'auth_code')

    /* B's stream works (B's own transaction from the other process arrives) but never saw A's */
    const forB = item(b.terminals[0].terminalId)
    assert.equal((await second.postBatch([forB], token)).status, 200)
    assert.isNotNull(
      await liveB.waitFor((m) => m.channel === channelB, 1000),
      'B got nothing of its own'
    )
    await sleep(200)
    const seenByB = JSON.stringify(liveB.messages)
    assert.notInclude(seenByB, forA.reference)
    assert.notInclude(seenByB, channelA)
    assert.lengthOf(liveB.messages, 1)
    assert.notInclude(JSON.stringify(liveA.messages), forB.reference)
    /* each transaction arrived exactly once (not once locally and once more over Redis) */
    assert.lengthOf(liveA.messages, 1)
  })

  test('a transaction stored here reaches a stream held by the other web process', async ({
    assert,
    cleanup,
  }) => {
    const a = await createMerchant()
    const token = await issueToken()
    const liveA = await loggedInStream(new Agent({}, second.baseUrl), a.user.email, a.password)
    cleanup(() => liveA.close())
    const channelA = transactionsChannel(a.customers[0].id)
    assert.equal((await liveA.subscribe(channelA)).status, 204)

    const forA = item(a.terminals[0].terminalId)
    const sentAt = Date.now()
    const response = await postBatch([forA], token)
    assert.equal(response.json.results[0].status, 'created')
    const received = await liveA.waitFor((m) => m.channel === channelA, 1000)
    assert.isNotNull(received, 'the stream on the other process got nothing within 1 s')
    assert.isBelow(received!.at - sentAt, 1000)
    assert.equal(received!.payload.transactions[0].reference, forA.reference)
  })

  test('one batch for two customers crosses Redis as one message without card data beyond the last 4 digits', async ({
    assert,
    cleanup,
  }) => {
    const a = await createMerchant()
    const b = await createMerchant()
    const token = await issueToken()
    const messages = await watchBatches(true, cleanup)
    /* like a web process that got its first stream: announce, so publishers count again */
    await redis.publish(LIVE_LISTENERS_CHANNEL, 'test listener')
    await sleep(100)

    const batch = [
      item(a.terminals[0].terminalId, { pan_masked: '492948******1741', auth_code: 'ZQ77X1' }),
      item(b.terminals[0].terminalId, { pan_masked: '672559*********1234', auth_code: 'ZQ77X2' }),
      item(a.terminals[0].terminalId, { pan_masked: null, auth_code: 'ZQ77X3' }),
    ]
    const fromSecond = await second.postBatch(batch, token)
    assert.deepEqual(fromSecond.json.counts, { created: 3, duplicate: 0, rejected: 0 })
    const fromHere = await postBatch([item(b.terminals[0].terminalId)], token)
    assert.equal(fromHere.json.counts.created, 1)
    const until = Date.now() + 2000
    while (messages.length < 2 && Date.now() < until) await sleep(10)
    await sleep(200)

    assert.lengthOf(messages, 2, 'one message per batch')
    const [senderSecond, jsonSecond] = messages[0].split('\n')
    const [senderHere] = messages[1].split('\n')
    /* each process marks what it publishes with its own id */
    assert.notEqual(senderSecond, senderHere)
    for (const reference of batch.map((entry) => entry.reference)) {
      assert.include(jsonSecond, reference)
    }
    assert.include(jsonSecond, '"pan_last4":"1741"')
    for (const secret of ['492948', '672559', 'ZQ77X1', 'ZQ77X2', 'ZQ77X3', 'pan_masked']) {
      assert.notInclude(messages[0], secret)
    }
  })

  /*
   * Bug (older than the one-message live feed, present since the feed came in): the
   * app's terminating hooks run last-registered first, so the HTTP server's close
   * (registered when it starts listening) runs before start/transmit.ts's
   * LiveAccess.endStreams() and waits for the open SSE response forever. A web
   * process with any merchant's live page open does not stop on SIGTERM.
   */
  test('the other web process stops within 5 s of SIGTERM while a live stream is open', async ({
    assert,
    cleanup,
  }) => {
    const a = await createMerchant()
    const liveA = await loggedInStream(new Agent({}, second.baseUrl), a.user.email, a.password)
    cleanup(() => liveA.close())
    assert.equal((await liveA.subscribe(transactionsChannel(a.customers[0].id))).status, 204)

    const tookMs = await second.stop(6000)
    assert.isBelow(tookMs, 5000, 'still running 5 s after SIGTERM')
  })
})
