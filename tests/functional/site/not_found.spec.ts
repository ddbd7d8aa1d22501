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

test.group('Files of public/', () => {
  test('stylesheets, scripts and the icon are served; other paths reach the router', async ({
    assert,
  }) => {
    const css = await new Agent().get('/css/app.css')
    assert.equal(css.status, 200)
    assert.include(css.headers.get('content-type') ?? '', 'text/css')
    const script = await new Agent().get('/js/live.js')
    assert.equal(script.status, 200)
    assert.include(script.text, 'X-CSRF-TOKEN')
    assert.equal((await new Agent().get('/favicon.svg')).status, 200)

    /* a missing file under a public folder and a page-like path both get the 404 page */
    const missing = await new Agent().get('/css/gibt-es-nicht.css')
    assert.equal(missing.status, 404)
    assert.include(missing.text, 'Seite nicht gefunden')
    assert.equal((await new Agent().get('/app.css')).status, 404)
  })
})
