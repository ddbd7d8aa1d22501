import { test } from '@japa/runner'
import { Agent } from '#tests/helpers/agent'
import { solveCaptcha } from '#tests/helpers/captcha'
import { AltchaService } from '#services/security/altcha_service'

test.group('ALTCHA real-user check', () => {
  test('a solved challenge passes once, a replay is refused', async ({ assert }) => {
    const payload = await solveCaptcha(new Agent())
    assert.equal(await AltchaService.verify(payload), 'ok')
    assert.equal(await AltchaService.verify(payload), 'replayed')
  })

  test('missing and forged payloads are refused', async ({ assert }) => {
    assert.equal(await AltchaService.verify(undefined), 'missing')
    assert.equal(await AltchaService.verify(''), 'missing')
    assert.equal(await AltchaService.verify('bm90IGpzb24='), 'invalid')
    const payload = JSON.parse(Buffer.from(await solveCaptcha(new Agent()), 'base64').toString())
    payload.solution.counter = (payload.solution.counter ?? 0) + 1
    const forged = Buffer.from(JSON.stringify(payload)).toString('base64')
    assert.equal(await AltchaService.verify(forged), 'invalid')
  })

  test('the widget files are served from our own origin', async ({ assert }) => {
    const agent = new Agent()
    const script = await agent.get('/vendor/altcha/altcha.js')
    assert.equal(script.status, 200)
    assert.include(script.headers.get('content-type') ?? '', 'javascript')
    assert.equal((await agent.get('/vendor/altcha/package.json')).status, 404)
  })
})
