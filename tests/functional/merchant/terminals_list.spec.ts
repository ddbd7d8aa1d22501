import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { createMerchant, loginAs, type TerminalInput } from '#tests/helpers/auth'
import { addTransactions, mainOf, visibleText } from './fixtures.js'

/** The TIDs of the list page in the order shown. */
function tids(html: string) {
  const body = mainOf(html).match(/<tbody[\s\S]*?<\/tbody>/)?.[0] ?? ''
  return [...body.matchAll(/href="\/terminals\/(\d{8})"/g)].map((m) => m[1])
}

/** The href of the link whose text is `label` (entities decoded as a browser would). */
function linkTo(html: string, label: string) {
  const match = [...html.matchAll(/<a href="([^"]+)"[^>]*>([\s\S]*?)<\/a>/g)].find((m) =>
    m[2].replace(/<[^>]+>/g, '').includes(label)
  )
  return match?.[1].replaceAll('&amp;', '&')
}

test.group('Merchant terminal list: search, sort, pages', (group) => {
  group.each.setup(() => resetState())

  async function merchantWith(terminals: TerminalInput[]) {
    const m = await createMerchant({ customers: [{ terminals }] })
    const agent = new Agent()
    await loginAs(agent, m.user.email, m.password)
    return { m, agent }
  }

  test('search finds terminals by TID, address or model; every word must match', async ({
    assert,
  }) => {
    const { agent } = await merchantWith([
      { terminalId: '61000001', model: 'Move/5000', street: 'Hauptstraße 1', city: 'Köln' },
      { terminalId: '61000002', model: 'Desk/3500', street: 'Marktplatz 7', city: 'Bonn' },
      { terminalId: '62000003', model: 'Move/5000', street: 'Ringstraße 3', city: 'Bonn' },
    ])
    assert.deepEqual(tids((await agent.get('/terminals?q=61000002')).text), ['61000002'])
    assert.deepEqual(tids((await agent.get('/terminals?q=6100')).text), ['61000001', '61000002'])
    assert.deepEqual(tids((await agent.get('/terminals?q=bonn')).text), ['61000002', '62000003'])
    assert.deepEqual(tids((await agent.get('/terminals?q=Marktplatz')).text), ['61000002'])
    assert.deepEqual(tids((await agent.get('/terminals?q=move%2F5000')).text), [
      '61000001',
      '62000003',
    ])
    const both = await agent.get('/terminals?q=Move+Bonn')
    assert.deepEqual(tids(both.text), ['62000003'])
    assert.include(visibleText(both.text), '1 Terminal passt zu „Move Bonn“.')
    /* the form keeps what was searched */
    assert.include(both.text, 'value="Move Bonn"')
    assert.include(both.text, '<label for="terminal-q">Suchen</label>')

    const none = await agent.get('/terminals?q=%25')
    assert.equal(none.status, 200)
    assert.deepEqual(tids(none.text), [])
    assert.include(visibleText(none.text), 'Kein Terminal passt zu „%“.')
  })

  test('sorts by TID, location, model, status and last transaction, both ways', async ({
    assert,
  }) => {
    const { m, agent } = await merchantWith([
      { terminalId: '61000003', model: 'B-Modell', city: 'Aachen', status: 'blocked' },
      { terminalId: '61000001', model: 'C-Modell', city: 'Celle', status: 'active' },
      { terminalId: '61000002', model: 'A-Modell', city: 'Bonn', status: 'inactive' },
    ])
    const now = DateTime.now()
    const byTid = (tid: string) => m.terminals.find((t) => t.terminalId === tid)!
    await addTransactions(byTid('61000003'), [{ occurredAt: now.minus({ days: 3 }) }])
    await addTransactions(byTid('61000001'), [{ occurredAt: now.minus({ hours: 1 }) }])
    const order = async (qs: string) => tids((await agent.get(`/terminals?${qs}`)).text)

    assert.deepEqual(await order(''), ['61000001', '61000002', '61000003'])
    assert.deepEqual(await order('sort=tid&dir=desc'), ['61000003', '61000002', '61000001'])
    assert.deepEqual(await order('sort=location'), ['61000003', '61000002', '61000001'])
    assert.deepEqual(await order('sort=model'), ['61000002', '61000003', '61000001'])
    assert.deepEqual(await order('sort=model&dir=desc'), ['61000001', '61000003', '61000002'])
    assert.deepEqual(await order('sort=status'), ['61000001', '61000003', '61000002'])
    assert.include(visibleText((await agent.get('/terminals')).text), 'Gesperrt')
    assert.include(visibleText((await agent.get('/terminals/61000003')).text), 'Status Gesperrt')
    /* newest first by default; the terminal without transactions last */
    assert.deepEqual(await order('sort=last'), ['61000001', '61000003', '61000002'])
    assert.deepEqual(await order('sort=last&dir=asc'), ['61000002', '61000003', '61000001'])

    /* the column heads link to their sort and say which one is active */
    const page = await agent.get('/terminals?q=6100&sort=model')
    assert.match(page.text, /<th scope="col" aria-sort="ascending">\s*<a href="[^"]*sort=model/)
    assert.equal(linkTo(page.text, 'Modell'), '/terminals?q=6100&sort=model&dir=desc')
    assert.equal(linkTo(page.text, 'Standort'), '/terminals?q=6100&sort=location&dir=asc')
    assert.equal(linkTo(page.text, 'Letzte Transaktion'), '/terminals?q=6100&sort=last&dir=desc')
  })

  test('50 terminals a page, with links to the next and previous page that keep search and sort', async ({
    assert,
  }) => {
    const terminals = Array.from({ length: 120 }, (_, i) => ({
      terminalId: String(70000000 + i),
      city: 'Essen',
    }))
    const { agent } = await merchantWith(terminals)
    const first = await agent.get('/terminals?q=Essen&sort=tid&dir=desc')
    assert.lengthOf(tids(first.text), 50)
    assert.equal(tids(first.text)[0], '70000119')
    assert.include(visibleText(first.text), '120 Terminals')
    assert.include(visibleText(first.text), 'Seite 1 von 3')
    assert.isUndefined(linkTo(first.text, 'Vorherige Seite'))
    const next = linkTo(first.text, 'Nächste Seite')!
    assert.equal(next, '/terminals?q=Essen&sort=tid&dir=desc&page=2')

    const second = await agent.get(next)
    assert.equal(tids(second.text)[0], '70000069')
    assert.include(visibleText(second.text), 'Seite 2 von 3')
    const third = await agent.get(linkTo(second.text, 'Nächste Seite')!)
    assert.lengthOf(tids(third.text), 20)
    assert.equal(tids(third.text).at(-1), '70000000')
    assert.isUndefined(linkTo(third.text, 'Nächste Seite'))
    assert.equal(
      linkTo(third.text, 'Vorherige Seite'),
      '/terminals?q=Essen&sort=tid&dir=desc&page=2'
    )

    /* a page past the end shows the last one */
    const last = tids((await agent.get('/terminals?page=3')).text)
    assert.equal(last[0], '70000100')
    assert.deepEqual(tids((await agent.get('/terminals?page=99')).text), last)
  })

  test('a malformed sort, order or page goes back to the list with a message', async ({
    assert,
  }) => {
    const { agent } = await merchantWith([{}])
    for (const qs of ['sort=serial', 'dir=up', 'page=0', 'page=x', `q=${'x'.repeat(101)}`]) {
      const response = await agent.get(`/terminals?${qs}`)
      assert.equal(response.status, 302, qs)
      assert.equal(response.location, '/terminals', qs)
      const page = await agent.follow(response)
      assert.equal(page.status, 200)
      assert.match(page.text, /class="alert alert--error" role="alert">[^<]+</, qs)
    }
  })

  test("search never reaches another customer's terminals", async ({ assert }) => {
    const { agent } = await merchantWith([{ terminalId: '61000001', city: 'Trier' }])
    await createMerchant({
      customers: [{ terminals: [{ terminalId: '61000009', city: 'Trier' }] }],
    })
    assert.deepEqual(tids((await agent.get('/terminals?q=Trier')).text), ['61000001'])
    assert.deepEqual(tids((await agent.get('/terminals?q=61000009')).text), [])
  })
})
