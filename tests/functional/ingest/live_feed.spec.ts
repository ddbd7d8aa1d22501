import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { createMerchant, loginAs } from '#tests/helpers/auth'
import { LiveClient } from '#tests/helpers/live_client'
import { issueToken, item, postBatch } from '#tests/functional/ingest/helpers'

const channelOf = (customerId: number) => `customers/${customerId}/transactions`

test.group('Live feed', (group) => {
  group.each.setup(() => resetState())

  test("a new transaction reaches its customer's user within 1 s and never another customer's", async ({
    assert,
    cleanup,
  }) => {
    const a = await createMerchant()
    const b = await createMerchant()
    const token = await issueToken()
    const agentA = new Agent()
    const agentB = new Agent()
    await loginAs(agentA, a.user.email, a.password)
    await loginAs(agentB, b.user.email, b.password)
    const liveA = new LiveClient(agentA)
    const liveB = new LiveClient(agentB)
    cleanup(() => {
      liveA.close()
      liveB.close()
    })
    await Promise.all([liveA.open(), liveB.open()])

    assert.equal((await liveA.subscribe(channelOf(a.customers[0].id))).status, 204)
    assert.equal((await liveB.subscribe(channelOf(b.customers[0].id))).status, 204)
    /* B may not listen to A's channel */
    assert.equal((await liveB.subscribe(channelOf(a.customers[0].id))).status, 400)

    const forA = item(a.terminals[0].terminalId, { pan_masked: '492948******1741' })
    const sentAt = Date.now()
    const response = await postBatch([forA], token)
    assert.equal(response.json.results[0].status, 'created')

    const received = await liveA.waitFor((m) => m.channel === channelOf(a.customers[0].id), 1000)
    assert.isNotNull(received, 'A got nothing within 1 s')
    assert.isBelow(received!.at - sentAt, 1000)
    const [transaction] = received!.payload.transactions
    assert.include(transaction, {
      id: response.json.results[0].id,
      reference: forA.reference,
      terminal_id: a.terminals[0].terminalId,
      amount_minor: 1299,
      currency: 'EUR',
      card_brand: 'girocard',
      pan_last4: '1741',
      receipt_number: '000123',
    })
    assert.notProperty(transaction, 'pan_masked')
    assert.notProperty(transaction, 'auth_code')

    /* B's stream works (it gets B's own transaction) but never saw A's */
    const forB = item(b.terminals[0].terminalId)
    await postBatch([forB], token)
    assert.isNotNull(
      await liveB.waitFor((m) => m.channel === channelOf(b.customers[0].id), 1000),
      'B got nothing of its own'
    )
    await new Promise((resolve) => setTimeout(resolve, 200))
    const seenByB = JSON.stringify(liveB.messages)
    assert.notInclude(seenByB, forA.reference)
    assert.notInclude(seenByB, channelOf(a.customers[0].id))
    assert.notInclude(JSON.stringify(liveA.messages), forB.reference)
  })

  test('subscribing needs a login, and a stream of another user cannot be used', async ({
    assert,
    cleanup,
  }) => {
    const a = await createMerchant()
    const b = await createMerchant({ customers: [{}, {}] })
    const agentA = new Agent()
    const agentB = new Agent()
    await loginAs(agentA, a.user.email, a.password)
    await loginAs(agentB, b.user.email, b.password)
    const liveA = new LiveClient(agentA)
    cleanup(() => liveA.close())
    await liveA.open()

    /* not logged in: to the login page, nothing subscribed */
    const anonymous = new Agent()
    const token = await anonymous.csrf()
    const denied = await anonymous.request('POST', '/__transmit/subscribe', {
      json: { uid: liveA.uid, channel: channelOf(a.customers[0].id) },
      headers: { 'x-csrf-token': token },
    })
    assert.equal(denied.status, 302)
    assert.match(denied.location ?? '', /^\/login/)
    const stream = await fetch(`${anonymous.baseUrl}/__transmit/events?uid=${randomUUID()}`, {
      redirect: 'manual',
    })
    assert.equal(stream.status, 302)

    /* B, linked to its own customers, cannot add them to A's stream */
    const liveB = new LiveClient(agentB)
    const hijack = await liveB.subscribe(channelOf(b.customers[1].id), liveA.uid)
    assert.equal(hijack.status, 400)
    /* and the channel name must be a real customer id */
    assert.equal((await liveA.subscribe('customers/abc/transactions')).status, 400)
    /* a user linked to two customers may watch both */
    const liveB2 = new LiveClient(agentB)
    cleanup(() => liveB2.close())
    await liveB2.open()
    assert.equal((await liveB2.subscribe(channelOf(b.customers[0].id))).status, 204)
    assert.equal((await liveB2.subscribe(channelOf(b.customers[1].id))).status, 204)
  })
})
