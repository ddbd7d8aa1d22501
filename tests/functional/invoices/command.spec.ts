import { test } from '@japa/runner'
import ace from '@adonisjs/core/services/ace'
import Invoice from '#models/invoice'
import { resetState } from '#tests/helpers/db'
import { createCustomer } from '#tests/helpers/auth'
import { testPeriod } from '#tests/functional/invoices/fixtures'

test.group('Invoices / node ace invoices:run', (group) => {
  group.each.setup(() => resetState())

  test('--sync issues the invoices of three past months in this process (the demo hook)', async ({
    assert,
  }) => {
    await createCustomer({ terminals: [{ monthlyFeeMinor: 1990 }] })
    const periods = [4, 3, 2].map((monthsBack) => testPeriod(monthsBack).key)
    for (const period of periods) {
      const command = await ace.exec('invoices:run', ['--period', period, '--sync'])
      assert.equal(command.exitCode, 0, period)
    }
    const invoices = await Invoice.query().orderBy('number')
    assert.deepEqual(
      invoices.map((invoice) => [invoice.period, invoice.status]),
      periods.map((period) => [period, 'issued'])
    )
  })

  test('an open or malformed month is refused', async ({ assert }) => {
    for (const period of ['2026-13', '2999-01']) {
      const command = await ace.exec('invoices:run', ['--period', period])
      assert.equal(command.exitCode, 1, period)
    }
    assert.lengthOf(await Invoice.all(), 0)
  })
})
