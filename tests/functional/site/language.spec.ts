import { test } from '@japa/runner'
import { Agent } from '#tests/helpers/agent'

test.group('Language', () => {
  test('pages are German by default', async ({ assert }) => {
    const page = await new Agent().get('/impressum')
    assert.equal(page.status, 200)
    assert.include(page.text, '<html lang="de">')
    assert.include(page.text, 'Impressum')
  })

  test('Accept-Language: en gives English', async ({ assert }) => {
    const page = await new Agent({ 'accept-language': 'en-US,en;q=0.9' }).get('/impressum')
    assert.include(page.text, '<html lang="en">')
    assert.include(page.text, 'Legal notice')
  })

  test('the visible switch remembers English in a cookie, over the browser language', async ({
    assert,
  }) => {
    const agent = new Agent({ 'accept-language': 'de-DE,de;q=0.9' })
    const switched = await agent.post('/language', { locale: 'en', back: '/datenschutz' })
    assert.equal(switched.status, 302)
    assert.equal(switched.location, '/datenschutz')
    assert.equal(agent.cookie('kp_locale'), 'en')

    const page = await agent.get('/datenschutz')
    assert.include(page.text, 'Privacy notice')
    assert.include(page.text, '<html lang="en">')
  })

  test('the switch never redirects off the portal', async ({ assert }) => {
    const agent = new Agent()
    for (const back of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      const response = await agent.post('/language', { locale: 'de', back })
      assert.equal(response.location, '/')
    }
  })

  test('without a CSRF token nothing changes', async ({ assert }) => {
    const agent = new Agent()
    await agent.get('/impressum')
    const response = await agent.postWithoutCsrf('/language', {
      locale: 'en',
      back: '/datenschutz',
    })
    assert.notEqual(response.location, '/datenschutz')
    assert.isUndefined(agent.cookie('kp_locale'))
  })
})
