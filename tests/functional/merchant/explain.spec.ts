import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { resetState } from '#tests/helpers/db'
import { createMerchant } from '#tests/helpers/auth'
import { buildFilter } from '#services/merchant/transaction_filter'
import { TransactionQuery, decodeCursor } from '#services/merchant/transaction_query'
import { addTransactions } from './fixtures.js'

/* EXPLAIN rows of a query (MariaDB's tabular form). */
async function explain({ sql, bindings }: { sql: string; bindings: (string | number)[] }) {
  const [rows] = await db.rawQuery(`EXPLAIN ${sql}`, bindings)
  return rows as { table: string; type: string; key: string | null; Extra: string }[]
}

test.group('Transaction list query plan', (group) => {
  group.each.setup(() => resetState())

  test('the list seeks the keyset index as a range scan, without filesort', async ({ assert }) => {
    const other = await createMerchant()
    const m = await createMerchant()
    const spread = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        occurredAt: DateTime.now().minus({ minutes: i * 11 }),
      }))
    await addTransactions(other.terminals[0], spread(150))
    await addTransactions(m.terminals[0], spread(150))
    await db.rawQuery('ANALYZE TABLE transactions')
    const filter = buildFilter({})!
    const ids = [m.customers[0].id]
    const cursor = decodeCursor(
      `${DateTime.utc().minus({ hours: 3 }).toFormat('yyyyMMddHHmmss')}-100`
    )

    for (const seek of [{}, { after: cursor }, { before: cursor }]) {
      const statement = TransactionQuery.idsStatement(ids, filter, seek, 51)
      const sql = statement.sql
      const [plan] = await explain(statement)
      assert.equal(plan.type, 'range', sql)
      assert.equal(plan.key, 'transactions_customer_keyset', sql)
      assert.notInclude(plan.Extra ?? '', 'filesort', sql)
      assert.notInclude(sql.toUpperCase(), 'OFFSET')
    }

    /* with a terminal filter the terminal's keyset index is the range */
    const byTerminal = {
      ...filter,
      terminal: m.terminals[0].terminalId,
      terminalDbId: m.terminals[0].id,
    }
    const [plan] = await explain(
      TransactionQuery.idsStatement(ids, byTerminal, { after: cursor }, 51)
    )
    assert.equal(plan.type, 'range')
    assert.equal(plan.key, 'transactions_terminal_keyset')
    assert.notInclude(plan.Extra ?? '', 'filesort')
  })
})
