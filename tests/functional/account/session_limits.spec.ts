import { test } from '@japa/runner'
import redis from '@adonisjs/redis/services/main'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { createCustomer, createMerchant, DEFAULT_PASSWORD, loginAs } from '#tests/helpers/auth'
import { SessionRegistry } from '#services/account/session_registry'
import { sessionTouches } from '#services/account/request_session_store'

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

test.group('Sitzungsgrenzen und Antwortzeiten', (group) => {
  group.each.setup(() => resetState())

  test('a session is logged out 12 hours after login, whatever the activity', async ({
    assert,
  }) => {
    const { user, password } = await createMerchant()
    const agent = new Agent()
    await loginAs(agent, user.email, password)
    assert.equal((await agent.get('/account')).status, 200)

    const [entry] = await SessionRegistry.list(SessionRegistry.userTag(user.id))
    const raw = JSON.parse((await redis.get(entry.id))!)
    raw.message.auth_started_at = Date.now() - 12 * 60 * 60 * 1000 - 1000
    await redis.set(entry.id, JSON.stringify(raw), 'KEEPTTL')

    const next = await agent.get('/account')
    assert.equal(next.location, '/login?redirect=%2Faccount')
    assert.match((await agent.get('/')).location ?? '', /^\/login/)
  })

  test('the idle timeout is 30 minutes in the session store', async ({ assert }) => {
    const { user, password } = await createMerchant()
    const agent = new Agent()
    await loginAs(agent, user.email, password)
    const [entry] = await SessionRegistry.list(SessionRegistry.userTag(user.id))
    const ttl = await redis.ttl(entry.id)
    assert.isAbove(ttl, 29 * 60)
    assert.isAtMost(ttl, 30 * 60)
  })

  test('an unchanged session is renewed in the store at most once a minute', async ({ assert }) => {
    const { user, password } = await createMerchant()
    const agent = new Agent()
    await loginAs(agent, user.email, password)
    const [entry] = await SessionRegistry.list(SessionRegistry.userTag(user.id))

    /* written a moment ago (the login): a page view within the minute leaves the timer */
    await redis.expire(entry.id, 600)
    assert.equal((await agent.get('/account')).status, 200)
    assert.isAtMost(await redis.ttl(entry.id), 600)

    /* a minute later (this process forgets when it last renewed): renewed to 30 minutes */
    sessionTouches.delete(entry.id)
    assert.equal((await agent.get('/account')).status, 200)
    assert.isAbove(await redis.ttl(entry.id), 29 * 60)
  })

  test('registering with a wrong TID, a taken e-mail or fresh data takes comparable time', async ({
    assert,
  }) => {
    const { customer, terminals } = await createCustomer({ terminals: 6 })
    const taken = await createMerchant()
    const times: Record<string, number[]> = { wrongTid: [], taken: [], fresh: [] }
    for (let i = 0; i < 5; i++) {
      for (const [kind, email, terminalId] of [
        ['wrongTid', `falsch${i}@example.com`, '00000000'],
        ['taken', taken.user.email, terminals[0].terminalId],
        ['fresh', `frisch${i}@example.com`, terminals[i + 1].terminalId],
      ] as const) {
        const agent = new Agent()
        const csrf = await agent.csrf('/register')
        const started = performance.now()
        const response = await agent.request('POST', '/register', {
          form: {
            _csrf: csrf,
            email,
            password: DEFAULT_PASSWORD,
            password_confirmation: DEFAULT_PASSWORD,
            customer_number: customer.customerNumber,
            terminal_id: terminalId,
            consent: 'on',
          },
        })
        times[kind].push(performance.now() - started)
        assert.equal(response.location, '/register/sent')
      }
    }
    const medians = Object.values(times).map(median)
    console.log(
      `register medians (ms): ${Object.keys(times)
        .map((kind, i) => `${kind} ${medians[i].toFixed(0)}`)
        .join(', ')}`
    )
    assert.isBelow((Math.max(...medians) - Math.min(...medians)) / Math.min(...medians), 0.25)
  }).timeout(90_000)
})
