import { test } from '@japa/runner'
import redis from '@adonisjs/redis/services/main'
import { freePort, WebProcess } from '#tests/helpers/web_process'
import { Agent } from '#tests/helpers/agent'

test.group('Health', () => {
  test('GET /health reports database and redis as healthy', async ({ client }) => {
    const response = await client.get('/health')
    response.assertStatus(200)
    response.assertBodyContains({
      healthy: true,
      failed: [],
      checks: { database: { ok: true }, redis: { ok: true } },
    })
  })

  test('monitoring that polls /health leaves no session behind', async ({ assert }) => {
    for (let i = 0; i < 3; i++) {
      const response = await new Agent().get('/health')
      assert.equal(response.status, 200)
      /* the cookie names a session id (signed `s:<base64 {message}>.<mac>`); nothing is stored */
      const cookie = decodeURIComponent(
        /kp_session=([^;]+)/.exec(response.headers.get('set-cookie') ?? '')?.[1] ?? ''
      )
      const id = JSON.parse(Buffer.from(cookie.slice(2).split('.')[0], 'base64url').toString())
        .message as string
      assert.isString(id)
      assert.equal(await redis.exists(id), 0)
    }
    /* a page with a form does store its session (the CSRF secret): the check above can fail */
    const login = await new Agent().get('/login')
    const cookie = decodeURIComponent(
      /kp_session=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1] ?? ''
    )
    const id = JSON.parse(Buffer.from(cookie.slice(2).split('.')[0], 'base64url').toString())
      .message as string
    assert.equal(await redis.exists(id), 1)
  })

  test('a failing database is named, but its error text stays in the log', async ({
    assert,
    cleanup,
  }) => {
    /* the database port leads nowhere: every query fails with ECONNREFUSED */
    const web = new WebProcess({ DB_PORT: String(await freePort()), LOG_FILE: '' })
    cleanup(async () => {
      await web.stop()
    })
    await web.start({ anyStatus: true })

    const response = await fetch(`${web.baseUrl}/health`)
    const text = await response.text()
    assert.equal(response.status, 503)
    assert.deepEqual(JSON.parse(text).failed, ['database'])
    assert.equal(JSON.parse(text).checks.redis.ok, true)
    for (const secret of ['ECONNREFUSED', '127.0.0.1', 'kundenportal', 'error']) {
      assert.notInclude(text, secret)
    }
    /* the operator finds the reason in the log */
    assert.include(web.output, 'health check failed')
    assert.include(web.output, 'ECONNREFUSED')
  }).timeout(90_000)
})
