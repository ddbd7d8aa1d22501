import { test } from '@japa/runner'
import redis from '@adonisjs/redis/services/main'
import { Agent } from '#tests/helpers/agent'
import { WebProcess } from '#tests/helpers/web_process'
import { resetState } from '#tests/helpers/db'
import { createCustomer, createMerchant, loginAs } from '#tests/helpers/auth'
import { LiveClient } from '#tests/helpers/live_client'
import { issueToken, item, postBatch } from '#tests/functional/ingest/helpers'
import { transactionsChannel } from '#services/ingest/live_feed'
import { LiveAccess } from '#services/ingest/live_access'
import { AccountStateService } from '#services/account/account_state_service'
import { SessionRegistry } from '#services/account/session_registry'
import { TwoFactorService } from '#services/account/two_factor_service'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import User from '#models/user'

const NEW_PASSWORD = 'Kassenbuch-Sonnenblume-42'
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

type Cleanup = (fn: () => void) => void

/** A merchant logged in on `baseUrl` (default: the suite's server) with an open, subscribed stream. */
async function watching(
  merchant: Awaited<ReturnType<typeof createMerchant>>,
  cleanup: Cleanup,
  options: { baseUrl?: string; agent?: Agent } = {}
) {
  const agent = options.agent ?? new Agent({}, options.baseUrl)
  if (!options.agent) await loginAs(agent, merchant.user.email, merchant.password)
  const live = new LiveClient(agent)
  cleanup(() => live.close())
  await live.open()
  for (const customer of merchant.customers) {
    const answer = await live.subscribe(transactionsChannel(customer.id))
    if (answer.status !== 204) throw new Error(`subscribe answered ${answer.status}`)
  }
  return { agent, live }
}

/** Posts a transaction for the terminal; whether `live` got it within `ms`. */
async function receives(live: LiveClient, tid: string, token: string, ms = 500) {
  const tx = item(tid)
  const response = await postBatch([tx], token)
  if (response.json?.results?.[0]?.status !== 'created') throw new Error(response.text)
  const seen = await live.waitFor((m) => JSON.stringify(m.payload).includes(tx.reference), ms)
  return seen !== null
}

/** The stream ended within 1 s of `since`, as the client saw it. */
async function assertEndedWithin1s(assert: any, live: LiveClient, since: number) {
  const endedAt = await live.waitForEnd(1000)
  assert.isNotNull(endedAt, 'the stream did not end within 1 s')
  assert.isBelow(endedAt! - since, 1000)
}

/**
 * The ended session tries again, as the browser does after its reconnect delay (3 s, longer
 * than `receives` watches): the stream or its subscription is refused.
 */
async function assertRefusedAgain(
  assert: any,
  live: LiveClient,
  channel: string,
  cleanup: Cleanup
) {
  const again = new LiveClient(live.agent)
  cleanup(() => again.close())
  const opened = await again.open().then(
    () => true,
    () => false
  )
  if (!opened) return
  const answer = await again.subscribe(channel)
  assert.notEqual(answer.status, 204, 'the ended session subscribed again')
}

test.group('Live feed: a right that ends ends the stream', (group) => {
  group.each.setup(() => resetState())

  test('locking the account (support) ends its stream within 1 s; nothing more arrives', async ({
    assert,
    cleanup,
  }) => {
    const merchant = await createMerchant()
    const token = await issueToken()
    const { live } = await watching(merchant, cleanup)
    const tid = merchant.terminals[0].terminalId
    assert.isTrue(await receives(live, tid, token), 'the stream works before')

    const lockedAt = Date.now()
    await AccountStateService.lock(merchant.user, 'by_support', { type: 'staff', id: 1 }, 'Test')
    await assertEndedWithin1s(assert, live, lockedAt)
    assert.isFalse(await receives(live, tid, token), 'a transaction after the lock arrived')
    await assertRefusedAgain(assert, live, transactionsChannel(merchant.customers[0].id), cleanup)
  })

  test('disabling the account ends its stream', async ({ assert, cleanup }) => {
    const merchant = await createMerchant()
    const token = await issueToken()
    const { live } = await watching(merchant, cleanup)
    const disabledAt = Date.now()
    await AccountStateService.disable(merchant.user, { type: 'staff', id: 1 })
    await assertEndedWithin1s(assert, live, disabledAt)
    assert.isFalse(await receives(live, merchant.terminals[0].terminalId, token))
    await assertRefusedAgain(assert, live, transactionsChannel(merchant.customers[0].id), cleanup)
  })

  test('a password change on the account page ends the streams of the other session', async ({
    assert,
    cleanup,
  }) => {
    const merchant = await createMerchant()
    const token = await issueToken()
    const { agent } = await watching(merchant, cleanup)
    const { live: elsewhere } = await watching(merchant, cleanup)

    const changedAt = Date.now()
    const done = await agent.post(
      '/account/password',
      {
        current_password: merchant.password,
        password: NEW_PASSWORD,
        password_confirmation: NEW_PASSWORD,
      },
      { csrfFrom: '/account' }
    )
    assert.include((await agent.follow(done)).text, 'Ihr Passwort wurde geändert.')
    await assertEndedWithin1s(assert, elsewhere, changedAt)
    assert.isFalse(await receives(elsewhere, merchant.terminals[0].terminalId, token))
    await assertRefusedAgain(
      assert,
      elsewhere,
      transactionsChannel(merchant.customers[0].id),
      cleanup
    )
  })

  test('„Andere Sitzungen abmelden“ ends the other session’s stream, not this one’s', async ({
    assert,
    cleanup,
  }) => {
    const merchant = await createMerchant()
    const token = await issueToken()
    const { agent, live: here } = await watching(merchant, cleanup)
    const { live: phone } = await watching(merchant, cleanup)

    const endedAt = Date.now()
    const response = await agent.post('/account/sessions/end-others', {}, { csrfFrom: '/account' })
    assert.include((await agent.follow(response)).text, 'Eine andere Sitzung wurde abgemeldet.')
    await assertEndedWithin1s(assert, phone, endedAt)

    const tid = merchant.terminals[0].terminalId
    assert.isTrue(await receives(here, tid, token, 1000), 'this session’s stream stopped too')
    assert.lengthOf(here.ends, 0)
    assert.isFalse(await receives(phone, tid, token))
  })

  test('„Abmelden“ of one session ends that session’s stream only', async ({ assert, cleanup }) => {
    const merchant = await createMerchant()
    const token = await issueToken()
    const { agent, live: here } = await watching(merchant, cleanup)
    const { live: phone } = await watching(merchant, cleanup)

    const page = await agent.get('/account')
    const handle = page.text.match(/\/account\/sessions\/([A-Za-z0-9_-]{24})\/end/)?.[1]
    assert.isDefined(handle, 'no „Abmelden“ for the other session on the page')
    const endedAt = Date.now()
    const response = await agent.post(
      `/account/sessions/${handle}/end`,
      {},
      { csrfFrom: '/account' }
    )
    assert.equal(response.status, 302)
    await assertEndedWithin1s(assert, phone, endedAt)

    const tid = merchant.terminals[0].terminalId
    assert.isTrue(await receives(here, tid, token, 1000))
    assert.lengthOf(here.ends, 0)
  })

  test('„Abmelden“ ends this session’s streams at once (other tabs), not the other session’s', async ({
    assert,
    cleanup,
  }) => {
    const merchant = await createMerchant()
    const token = await issueToken()
    const { agent, live: tab } = await watching(merchant, cleanup)
    const { live: phone } = await watching(merchant, cleanup)

    const endedAt = Date.now()
    const response = await agent.post('/logout', {}, { csrfFrom: '/' })
    assert.equal(response.status, 302)
    await assertEndedWithin1s(assert, tab, endedAt)

    const tid = merchant.terminals[0].terminalId
    assert.isTrue(await receives(phone, tid, token, 1000))
    assert.lengthOf(phone.ends, 0)
  })

  test('removing a customer link stops that customer’s events at once, the others go on', async ({
    assert,
    cleanup,
  }) => {
    const merchant = await createMerchant({ customers: [{}, {}] })
    const token = await issueToken()
    const { live } = await watching(merchant, cleanup)
    const [kept, removed] = merchant.customers
    const tidOf = (customerId: number) =>
      merchant.terminals.find((terminal) => terminal.customerId === customerId)!.terminalId
    assert.isTrue(await receives(live, tidOf(removed.id), token), 'the stream works before')

    const result = await AccountStateService.unlinkCustomer(merchant.user, removed.id, {
      type: 'staff',
      id: 1,
    })
    assert.isTrue(result.ok)
    assert.isFalse(await receives(live, tidOf(removed.id), token), 'the unlinked customer arrived')
    assert.isTrue(await receives(live, tidOf(kept.id), token, 1000), 'the kept customer stopped')
    assert.lengthOf(live.ends, 0)
    /* and it cannot be added back */
    assert.equal((await live.subscribe(transactionsChannel(removed.id))).status, 400)
    /* another customer the user never had stays refused too */
    const stranger = await createCustomer()
    assert.equal((await live.subscribe(transactionsChannel(stranger.customer.id))).status, 400)
  })

  test('an owner requiring two-factor stops the live feed of a co-user without it at once', async ({
    assert,
    cleanup,
  }) => {
    const owner = await createMerchant()
    const customer = owner.customers[0]
    await db
      .from('users')
      .where('id', owner.user.id)
      .update({ totp_enabled_at: DateTime.utc().toSQL({ includeOffset: false }) })
    const coUser = await createMerchant({ customers: [] })
    await db.table('customer_user').insert({
      user_id: coUser.user.id,
      customer_id: customer.id,
      role: 'accountant',
      proven_by: 'support',
      created_at: DateTime.utc().toSQL({ includeOffset: false }),
    })
    const token = await issueToken()
    const { live } = await watching({ ...coUser, customers: [customer] }, cleanup)
    const tid = owner.terminals[0].terminalId
    assert.isTrue(await receives(live, tid, token), 'the stream works before')

    const ownerUser = await User.findOrFail(owner.user.id)
    assert.equal(await TwoFactorService.setRequired(ownerUser, customer.id, true), 'done')
    assert.isFalse(await receives(live, tid, token), 'the customer still arrived')
    /* and it cannot be subscribed again without two-factor */
    assert.equal((await live.subscribe(transactionsChannel(customer.id))).status, 400)
  })

  test('an expired session’s stream ends at the periodic session check', async ({
    assert,
    cleanup,
  }) => {
    const merchant = await createMerchant()
    const { live } = await watching(merchant, cleanup)
    await LiveAccess.checkSessions()
    await sleep(100)
    assert.lengthOf(live.ends, 0, 'a live session was ended')

    /* the idle timeout passes: the store's key is gone */
    const [session] = await SessionRegistry.list(SessionRegistry.userTag(merchant.user.id))
    await redis.connection('main').del(session.id)
    const checkedAt = Date.now()
    await LiveAccess.checkSessions()
    await assertEndedWithin1s(assert, live, checkedAt)
  })
})

test.group('Live feed: revocations reach every web process', (group) => {
  const second = new WebProcess()
  group.setup(async () => {
    await second.start()
    return async () => {
      await second.stop()
    }
  })
  group.each.setup(() => resetState())

  test('a lock here ends the stream on the other web process within 1 s', async ({
    assert,
    cleanup,
  }) => {
    const merchant = await createMerchant()
    const token = await issueToken()
    const { live } = await watching(merchant, cleanup, { baseUrl: second.baseUrl })
    const tid = merchant.terminals[0].terminalId
    assert.isTrue(await receives(live, tid, token, 1000), 'the stream works before')

    const lockedAt = Date.now()
    await AccountStateService.lock(merchant.user, 'by_support', { type: 'staff', id: 1 }, 'Test')
    await assertEndedWithin1s(assert, live, lockedAt)
    assert.isFalse(await receives(live, tid, token))
  })

  test('removing a customer link here drops the subscription on the other process', async ({
    assert,
    cleanup,
  }) => {
    const merchant = await createMerchant({ customers: [{}, {}] })
    const token = await issueToken()
    const { live } = await watching(merchant, cleanup, { baseUrl: second.baseUrl })
    const [kept, removed] = merchant.customers
    const tidOf = (customerId: number) =>
      merchant.terminals.find((terminal) => terminal.customerId === customerId)!.terminalId
    assert.isTrue(await receives(live, tidOf(removed.id), token, 1000))

    await AccountStateService.unlinkCustomer(merchant.user, removed.id, { type: 'staff', id: 1 })
    await sleep(200)
    assert.isFalse(await receives(live, tidOf(removed.id), token))
    assert.isTrue(await receives(live, tidOf(kept.id), token, 1000))
  })
})
