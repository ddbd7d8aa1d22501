import { test } from '@japa/runner'

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
})
