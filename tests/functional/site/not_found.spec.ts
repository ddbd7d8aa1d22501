import { test } from '@japa/runner'
import { Agent } from '#tests/helpers/agent'

test.group('Pages no route matches', () => {
  test('an unknown URL gets the 404 page in the visitor language', async ({ assert }) => {
    const german = await new Agent().get('/gibt-es-nicht')
    assert.equal(german.status, 404)
    assert.include(german.text, 'Seite nicht gefunden')
    assert.notInclude(german.text, 'undefined')

    const english = await new Agent({ 'accept-language': 'en' }).get('/does-not-exist')
    assert.equal(english.status, 404)
    assert.include(english.text, 'Page not found')
  })
})
