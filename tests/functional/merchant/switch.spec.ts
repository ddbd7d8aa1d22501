import { test } from '@japa/runner'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { createMerchant, loginAs } from '#tests/helpers/auth'
import { addTransactions, mainOf, rowIds } from './fixtures.js'

test.group('Merchant customer switch', (group) => {
  group.each.setup(() => resetState())

  async function merchantWithTwoCustomers() {
    const m = await createMerchant({ customers: [{}, {}] })
    const [c1, c2] = m.customers
    const [t1, t2] = m.terminals
    const ids1 = await addTransactions(t1, [{ receiptNumber: 'C1-A' }, { receiptNumber: 'C1-B' }])
    const ids2 = await addTransactions(t2, [{ receiptNumber: 'C2-A' }])
    const agent = new Agent()
    await loginAs(agent, m.user.email, m.password)
    return { m, c1, c2, t1, t2, ids1, ids2, agent }
  }

  test('"all" shows every linked customer; the switch limits every page and the export', async ({
    assert,
  }) => {
    const { c1, c2, t1, t2, ids1, ids2, agent } = await merchantWithTwoCustomers()

    const all = await agent.get('/transactions')
    assert.sameMembers(rowIds(all.text), [...ids1, ...ids2])
    assert.include(all.text, 'id="customer-switch-select"')

    const switched = await agent.post(
      '/customer-switch',
      { customer: c1.customerNumber, back: '/transactions?customer=all&from=2020-01-01' },
      { csrfFrom: '/transactions' }
    )
    assert.equal(switched.status, 302)
    /* the pinned ?customer= of the page we came from is dropped, the rest kept */
    assert.equal(switched.location, '/transactions?from=2020-01-01')

    const list = await agent.get('/transactions')
    assert.sameMembers(rowIds(list.text), ids1)
    const csv = await agent.get('/transactions.csv')
    assert.include(csv.text, 'C1-A')
    assert.notInclude(csv.text, 'C2-A')
    const terminals = await agent.get('/terminals')
    assert.include(terminals.text, t1.terminalId)
    assert.notInclude(terminals.text, t2.terminalId)
    const customer = mainOf((await agent.get('/customer')).text)
    assert.include(customer, c1.companyName)
    assert.notInclude(customer, c2.companyName)
    assert.notInclude(customer, c2.customerNumber)
    const dashboard = await agent.get('/')
    assert.sameMembers(rowIds(dashboard.text), ids1)
    /* the other linked customer's things are out of the chosen scope: 404 */
    assert.equal((await agent.get(`/terminals/${t2.terminalId}`)).status, 404)
    assert.equal((await agent.get(`/transactions/${ids2[0]}`)).status, 404)
    assert.equal((await agent.get(`/transactions?terminal=${t2.terminalId}`)).status, 404)

    /* a URL may pin another linked customer (bookmarks, the export link) */
    const pinned = await agent.get(`/transactions?customer=${c2.customerNumber}`)
    assert.sameMembers(rowIds(pinned.text), ids2)
    assert.include(pinned.text, `/transactions.csv?`)
    assert.include(pinned.text, `customer=${c2.customerNumber}`)

    await agent.post('/customer-switch', { customer: 'all', back: '/' }, { csrfFrom: '/' })
    assert.sameMembers(rowIds((await agent.get('/transactions')).text), [...ids1, ...ids2])
  })

  test('a single-customer user sees no switch', async ({ assert }) => {
    const m = await createMerchant()
    const agent = new Agent()
    await loginAs(agent, m.user.email, m.password)
    const page = await agent.get('/')
    assert.equal(page.status, 200)
    assert.notInclude(page.text, 'customer-switch-select')
  })

  test('the switch needs a CSRF token', async ({ assert }) => {
    const { c1, ids1, ids2, agent } = await merchantWithTwoCustomers()
    const response = await agent.postWithoutCsrf('/customer-switch', {
      customer: c1.customerNumber,
    })
    assert.notEqual(response.status, 200)
    assert.sameMembers(rowIds((await agent.get('/transactions')).text), [...ids1, ...ids2])
  })

  test('up to 10 customers: a labelled select; more than 10: a labelled search with suggestions', async ({
    assert,
  }) => {
    const ten = await createMerchant({ customers: Array.from({ length: 10 }, () => ({})) })
    const agent = new Agent()
    await loginAs(agent, ten.user.email, ten.password)
    const select = (await agent.get('/')).text
    assert.include(select, '<label for="customer-switch-select"')
    assert.include(select, 'Alle Kunden (10)')
    assert.notInclude(select, 'customer-switch-search')

    const many = await createMerchant({
      customers: Array.from({ length: 12 }, (_, i) => ({ companyName: `Filiale ${i + 1} KG` })),
    })
    const other = new Agent()
    await loginAs(other, many.user.email, many.password)
    const search = (await other.get('/')).text
    assert.notInclude(search, 'customer-switch-select')
    assert.include(search, '<label for="customer-switch-search"')
    assert.match(
      search,
      /<input[^>]+id="customer-switch-search"[^>]+list="customer-switch-options"/
    )
    assert.include(search, '<datalist id="customer-switch-options">')
    assert.include(search, `${many.customers[11].customerNumber} – Filiale 12 KG`)
    assert.include(search, 'Alle Kunden (12)')
  })

  test('the type-ahead switch takes a customer number, a company name or "alle"; a miss goes back with a message', async ({
    assert,
  }) => {
    const many = await createMerchant({
      customers: Array.from({ length: 11 }, (_, i) => ({ companyName: `Filiale ${i + 1} KG` })),
    })
    const stranger = await createMerchant()
    const [, second] = many.terminals
    const ids = await addTransactions(second, [{ receiptNumber: 'F2' }])
    const others = await addTransactions(many.terminals[5], [{ receiptNumber: 'F6' }])
    const agent = new Agent()
    await loginAs(agent, many.user.email, many.password)

    /* a plain form post, as the page sends it without JavaScript */
    const byName = await agent.post(
      '/customer-switch',
      { customer_search: 'filiale 2 kg', back: '/transactions' },
      { csrfFrom: '/' }
    )
    assert.equal(byName.location, '/transactions')
    const list = await agent.get('/transactions')
    assert.sameMembers(rowIds(list.text), ids)
    assert.include(inView(list.text), 'Filiale 2 KG')

    await agent.post(
      '/customer-switch',
      { customer_search: many.customers[5].customerNumber, back: '/' },
      { csrfFrom: '/' }
    )
    assert.sameMembers(rowIds((await agent.get('/transactions')).text), others)

    /* someone else's customer number and an unknown name get the same answer */
    for (const typed of [stranger.customers[0].customerNumber, 'Gibt es nicht']) {
      const missed = await agent.post(
        '/customer-switch',
        { customer_search: typed, back: '/transactions' },
        { csrfFrom: '/' }
      )
      assert.equal(missed.status, 302)
      assert.equal(missed.location, '/transactions')
      const page = await agent.get('/transactions')
      assert.include(page.text, `Keiner Ihrer Kunden passt zu „${typed}“`)
      assert.sameMembers(rowIds(page.text), others)
    }

    await agent.post('/customer-switch', { customer_search: 'alle', back: '/' }, { csrfFrom: '/' })
    const all = await agent.get('/transactions')
    assert.sameMembers(rowIds(all.text), [...ids, ...others])
    assert.include(inView(all.text), 'Alle Kunden (11)')
  })
})

/** The header's "company in view" line, as text. */
function inView(html: string) {
  const line = html.match(/id="company-in-view"[\s\S]*?<\/p>/)?.[0] ?? ''
  return line.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')
}
