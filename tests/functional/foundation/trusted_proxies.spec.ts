import { test } from '@japa/runner'
import AuditEvent from '#models/audit_event'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { createMerchant, loginAs } from '#tests/helpers/auth'
import { WebProcess } from '#tests/helpers/web_process'

const WRONG = 'das-ist-falsch-123'

/** 50 wrong logins (the per-IP failure budget), each as a new visitor. */
async function failFifty(agentFor: (i: number) => Agent) {
  const statuses: number[] = []
  for (let i = 0; i < 50; i++) {
    const agent = agentFor(i)
    const response = await agent.post(
      '/login',
      { email: `probe${i}@example.com`, password: WRONG },
      { csrfFrom: '/login' }
    )
    statuses.push(response.status)
  }
  return statuses
}

test.group('Client address behind a proxy', (group) => {
  group.each.setup(() => resetState())

  test('without trusted proxies a forged X-Forwarded-For changes nothing', async ({ assert }) => {
    /* every request claims another address; all come from the same socket */
    const statuses = await failFifty((i) => new Agent({ 'x-forwarded-for': `198.51.100.${i + 1}` }))
    assert.deepEqual(statuses, Array(50).fill(302))

    const next = await new Agent({ 'x-forwarded-for': '203.0.113.99' }).post(
      '/login',
      { email: 'another@example.com', password: WRONG },
      { csrfFrom: '/login' }
    )
    assert.equal(next.status, 429)
    const forged = await AuditEvent.query().where('ip', 'like', '198.51.100.%').count('* as total')
    assert.equal(Number(forged[0].$extras.total), 0)
  }).timeout(120_000)

  test('behind a trusted proxy each client has its own limit, audit address and session address', async ({
    assert,
    cleanup,
  }) => {
    const web = new WebProcess({ TRUSTED_PROXIES: '127.0.0.1' })
    cleanup(async () => {
      await web.stop()
    })
    await web.start()
    /* client A also puts a forged address in front: the proxy appends the real one */
    const clientA = () => new Agent({ 'x-forwarded-for': '192.0.2.1, 203.0.113.7' }, web.baseUrl)
    const clientB = () => new Agent({ 'x-forwarded-for': '198.51.100.23' }, web.baseUrl)

    assert.deepEqual(await failFifty(clientA), Array(50).fill(302))
    const stopped = await clientA().post(
      '/login',
      { email: 'probe@example.com', password: WRONG },
      { csrfFrom: '/login' }
    )
    assert.equal(stopped.status, 429)

    const { user, password } = await createMerchant()
    const merchant = clientB()
    const login = await loginAs(merchant, user.email, password)
    assert.equal(login.status, 302)

    const failed = await AuditEvent.query().where('action', 'login.failed').select('ip')
    assert.lengthOf(failed, 50)
    assert.isTrue(failed.every((event) => event.ip === '203.0.113.7'))
    const succeeded = await AuditEvent.query()
      .where('action', 'login.succeeded')
      .where('subject_user_id', user.id)
      .firstOrFail()
    assert.equal(succeeded.ip, '198.51.100.23')

    /* the account page lists this session with the client's address */
    const account = await merchant.get('/account')
    assert.equal(account.status, 200)
    assert.include(account.text, '198.51.100.23')
  }).timeout(180_000)

  test('an IPv6 client is counted by its /64: rotating addresses in it gets no fresh budget', async ({
    assert,
    cleanup,
  }) => {
    const web = new WebProcess({ TRUSTED_PROXIES: '127.0.0.1' })
    cleanup(async () => {
      await web.stop()
    })
    await web.start()
    /* every wrong login from another address of the same /64 */
    const rotating = (i: number) =>
      new Agent({ 'x-forwarded-for': `2001:db8:5:6::${(i + 1).toString(16)}` }, web.baseUrl)
    assert.deepEqual(await failFifty(rotating), Array(50).fill(302))
    const stopped = await rotating(999).post(
      '/login',
      { email: 'probe@example.com', password: WRONG },
      { csrfFrom: '/login' }
    )
    assert.equal(stopped.status, 429)
    /* the neighbouring /64 is another client */
    const neighbour = await new Agent({ 'x-forwarded-for': '2001:db8:5:7::1' }, web.baseUrl).post(
      '/login',
      { email: 'probe@example.com', password: WRONG },
      { csrfFrom: '/login' }
    )
    assert.equal(neighbour.status, 302)
  }).timeout(120_000)
})
