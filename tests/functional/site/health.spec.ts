import { test } from '@japa/runner'
import { freePort, WebProcess } from '#tests/helpers/web_process'

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
