import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { createMerchant, loginAs } from '#tests/helpers/auth'
import { addTransactions } from './fixtures.js'

/*
| No merchant response may carry more than first 6 + last 4 card digits. To be
| sure the pages cannot leak what the database holds, one row is planted with a
| full card number in pan_masked (as if bad data got in): no body may show it,
| nor any other run of 11+ digits.
*/
test.group('Merchant pages never show more than 6 + 4 card digits', (group) => {
  group.each.setup(() => resetState())

  test('no page, fragment or export carries a longer card number', async ({ assert }) => {
    const m = await createMerchant()
    await m.customers[0].merge({ iban: 'DE89370400440532013000' }).save()
    const [id] = await addTransactions(m.terminals[0], [
      {
        occurredAt: DateTime.now().minus({ minutes: 5 }),
        panMasked: '4111111111111111',
        panLast4: '1111',
      },
      {
        occurredAt: DateTime.now().minus({ minutes: 6 }),
        panMasked: '411111******1111',
        panLast4: '1111',
      },
    ])
    const agent = new Agent()
    await loginAs(agent, m.user.email, m.password)
    const tid = m.terminals[0].terminalId
    const paths = [
      '/',
      '/transactions',
      `/transactions/${id}`,
      '/transactions.csv',
      '/transactions/live?since=0',
      '/terminals',
      `/terminals/${tid}`,
      '/customer',
    ]
    for (const path of paths) {
      const { status, text } = await agent.get(path)
      assert.equal(status, 200, path)
      assert.notInclude(text, '4111111111111111', path)
      assert.notMatch(text, /\d{11,}/, path)
      /* the card appears, but only as its last 4 */
      if (path !== '/customer' && path !== '/terminals')
        assert.match(text, /(•••• |\*\*\*\* )1111/, path)
    }
    /* the IBAN shows only its last 4 */
    const customer = (await agent.get('/customer')).text
    assert.include(customer, '3000')
    assert.notInclude(customer, '0532013000')
    assert.notInclude(customer, '37040044')
    /* the planted row is really there, so the test could fail */
    const planted = await db.from('transactions').where('pan_masked', '4111111111111111').first()
    assert.exists(planted)
  })
})
