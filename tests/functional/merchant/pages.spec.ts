import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { createMerchant, loginAs } from '#tests/helpers/auth'
import { addTransactions, rowIds } from './fixtures.js'

test.group('Merchant pages', (group) => {
  group.each.setup(() => resetState())

  test('the transaction list shows the newest first with German formats', async ({ assert }) => {
    const { user, password, terminals } = await createMerchant()
    const at = DateTime.fromISO('2026-11-26T14:05:00', { zone: 'Europe/Berlin' })
    await addTransactions(terminals[0], [
      {
        occurredAt: DateTime.now().minus({ days: 1 }),
        amountMinor: 123456,
        cardBrand: 'visa',
        panLast4: '1234',
      },
    ])
    const agent = new Agent()
    await loginAs(agent, user.email, password)
    const page = await agent.get('/transactions')
    assert.equal(page.status, 200)
    assert.include(page.text, '1.234,56 €')
    assert.include(page.text, 'Visa •••• 1234')
    assert.lengthOf(rowIds(page.text), 1)
    void at
  })

  test('dashboard, customer and terminals render', async ({ assert }) => {
    const { user, password, terminals } = await createMerchant()
    await addTransactions(terminals[0], [{}, {}, {}])
    const agent = new Agent()
    await loginAs(agent, user.email, password)
    for (const path of ['/', '/customer', '/terminals', `/terminals/${terminals[0].terminalId}`]) {
      const page = await agent.get(path)
      assert.equal(page.status, 200, `${path}: ${page.text.slice(0, 2000)}`)
    }
    const csv = await agent.get('/transactions.csv')
    assert.equal(csv.status, 200)
    console.log(csv.text)
  })
})
