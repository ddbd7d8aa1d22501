import { test } from '@japa/runner'
import edge from 'edge.js'

/*
| start/view.ts returns text with nothing to escape as it is (a list page has ~830
| `{{ }}`); what the page shows must be exactly what edge.js's own escape gave.
*/
/* he.escape's table, which edge.js uses */
const ENTITIES: Record<string, string> = {
  '"': '&quot;',
  '&': '&amp;',
  "'": '&#x27;',
  '<': '&lt;',
  '>': '&gt;',
  '`': '&#x60;',
}
const escaped = (text: string) => text.replace(/["&'<>`]/g, (char) => ENTITIES[char])

test.group('Views: {{ }} escapes as edge.js does', () => {
  test('{title}')
    .with([
      { title: 'plain text', value: 'Kartenzahlung' },
      { title: 'a formatted amount', value: '1.234,56\u00a0€' },
      { title: 'markup', value: '<script>alert("x")</script>' },
      { title: 'an ampersand in a link', value: '/transactions/1?from=2026-11-27&to=2026-12-03' },
      { title: 'quotes and backticks', value: `"a" 'b' \`c\`` },
      { title: 'an empty string', value: '' },
      { title: 'a number', value: 1234.5 },
      { title: 'null', value: null },
      { title: 'undefined', value: undefined },
      { title: 'an object', value: { toString: () => '<b>' } },
    ])
    .run(async ({ assert }, { value }) => {
      const html = await edge.renderRaw('<p title="{{ value }}">{{ value }}</p>', { value })
      const expected = escaped(String(value))
      assert.equal(html, `<p title="${expected}">${expected}</p>`)
    })

  test('html.safe values and triple braces stay unescaped', async ({ assert }) => {
    const html = await edge.renderRaw('{{ html.safe(value) }}|{{{ value }}}', {
      value: '<b>fett</b>',
    })
    assert.equal(html, '<b>fett</b>|<b>fett</b>')
  })
})
