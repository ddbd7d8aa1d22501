import { test } from '@japa/runner'
import type { Assert } from '@japa/assert'
import db from '@adonisjs/lucid/services/db'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { createMerchant, loginAs } from '#tests/helpers/auth'
import { addTransactions, notFoundShape, rowIds } from './fixtures.js'

/*
| User A must not reach anything of customer B by changing an id, a customer
| number or a TID anywhere (path, query, filter, export, live feed, switch):
| each gives the very 404 a record that does not exist gives.
*/
test.group('Merchant scope: another customer is a 404', (group) => {
  group.each.setup(() => resetState())

  async function twoMerchants() {
    const a = await createMerchant()
    const b = await createMerchant()
    await addTransactions(a.terminals[0], [{}])
    const [bTx] = await addTransactions(b.terminals[0], [{ receiptNumber: 'B-ONLY-1' }])
    const agent = new Agent()
    await loginAs(agent, a.user.email, a.password)
    return { a, b, bTx, agent }
  }

  test('terminal, transaction and customer of B give the same 404 as missing ones', async ({
    assert,
  }) => {
    const { b, bTx, agent } = await twoMerchants()
    const bNumber = b.customers[0].customerNumber
    const bTid = b.terminals[0].terminalId
    const pairs: [string, string][] = [
      [`/terminals/${bTid}`, '/terminals/99999999'],
      [`/transactions/${bTx}`, '/transactions/999999999'],
      [`/customer?customer=${bNumber}`, '/customer?customer=L9999999'],
      [`/?customer=${bNumber}`, '/?customer=L9999999'],
      [`/terminals?customer=${bNumber}`, '/terminals?customer=L9999999'],
      [`/transactions?customer=${bNumber}`, '/transactions?customer=L9999999'],
      [`/transactions?terminal=${bTid}`, '/transactions?terminal=99999999'],
      [`/transactions.csv?terminal=${bTid}`, '/transactions.csv?terminal=99999999'],
      [`/transactions.csv?customer=${bNumber}`, '/transactions.csv?customer=L9999999'],
      [
        `/transactions/live?since=0&terminal=${bTid}`,
        '/transactions/live?since=0&terminal=99999999',
      ],
      [`/transactions/live?since=0&customer=${bNumber}`, '/transactions/live?since=0&customer=X1'],
    ]
    for (const [foreign, missing] of pairs) {
      const theirs = await agent.get(foreign)
      const none = await agent.get(missing)
      assert.equal(theirs.status, 404, foreign)
      assert.deepEqual(notFoundShape(theirs), notFoundShape(none), foreign)
      assert.notInclude(theirs.text, 'B-ONLY-1')
      assert.notInclude(theirs.text, b.customers[0].companyName)
    }
  })

  test("B's data never shows up in A's lists, search or export", async ({ assert }) => {
    const { b, agent } = await twoMerchants()
    for (const path of [
      '/',
      '/transactions',
      '/terminals',
      '/customer',
      '/transactions.csv',
      '/transactions/live?since=0',
    ]) {
      const page = await agent.get(path)
      assert.oneOf(page.status, [200, 204], path)
      assert.notInclude(page.text, 'B-ONLY-1', path)
      assert.notInclude(page.text, b.terminals[0].terminalId, path)
      assert.notInclude(page.text, b.customers[0].customerNumber, path)
    }
  })

  test("searching for B's receipt number finds nothing", async ({ assert }) => {
    const { agent } = await twoMerchants()
    const page = await agent.get('/transactions?q=B-ONLY-1')
    assert.equal(page.status, 200)
    assert.deepEqual(rowIds(page.text), [])
    const csv = await agent.get('/transactions.csv?q=B-ONLY-1')
    assert.equal(csv.text.trim().split('\n').length, 1)
  })

  test('the switch refuses a customer number that is not linked', async ({ assert }) => {
    const { b, agent } = await twoMerchants()
    const response = await agent.post(
      '/customer-switch',
      { customer: b.customers[0].customerNumber, back: '/transactions' },
      { csrfFrom: '/transactions' }
    )
    assert.equal(response.status, 404)
    const list = await agent.get('/transactions.csv')
    assert.notInclude(list.text, 'B-ONLY-1')
  })

  test('merchant pages need a login', async ({ assert }) => {
    for (const path of ['/', '/transactions', '/transactions.csv', '/terminals', '/customer']) {
      const response = await new Agent().get(path)
      assert.equal(response.status, 302, path)
      assert.match(response.location ?? '', /^\/login/)
    }
  })
})

/*
| A user with no customer in view — the only link still a pending request, or the
| only customers withheld until two-factor sign-in is set up — gets the pages everyone
| without data gets: 200 and empty, never a server error (MariaDB refuses `IN ()`).
*/
test.group('Merchant scope: no customer in view', (group) => {
  group.each.setup(() => resetState())

  const PAGES = [
    '/',
    '/transactions',
    '/transactions?from=2025-01-01&to=2026-12-31',
    '/transactions?type=sale&status=approved',
    '/transactions.csv',
    '/transactions/live?since=0',
    '/terminals',
    '/customer',
    '/closings',
    '/payouts',
    '/invoices',
  ]

  /** Logs in, opens every page (each must answer) and returns the transaction list's HTML. */
  async function visitAll(assert: Assert, email: string, password: string, hidden: string) {
    const agent = new Agent()
    await loginAs(agent, email, password)
    for (const path of PAGES) assert.oneOf((await agent.get(path)).status, [200, 204], path)
    const list = await agent.get('/transactions')
    assert.deepEqual(rowIds(list.text), [])
    assert.notInclude(list.text, hidden)
    return list.text
  }

  test('without any link every merchant page answers, empty', async ({ assert }) => {
    const merchant = await createMerchant()
    await addTransactions(merchant.terminals[0], [{ receiptNumber: 'UNLINKED-1' }])
    await db.from('customer_user').where('user_id', merchant.user.id).delete()
    const list = await visitAll(assert, merchant.user.email, merchant.password, 'UNLINKED-1')
    assert.notInclude(list, 'Zwei-Faktor')
  })

  test('with the only customer withheld until TOTP, the pages answer with the notice', async ({
    assert,
  }) => {
    const merchant = await createMerchant({
      customers: [{ customerNumber: 'K7100001', companyName: 'Vorbehalt Café OHG' }],
    })
    await addTransactions(merchant.terminals[0], [{ receiptNumber: 'WITHHELD-1' }])
    await db.from('customers').where('id', merchant.customers[0].id).update({
      require_two_factor: true,
    })
    const list = await visitAll(assert, merchant.user.email, merchant.password, 'WITHHELD-1')
    assert.include(list, 'Vorbehalt Café OHG (K7100001) verlangt die Zwei-Faktor-Anmeldung')
  })
})
