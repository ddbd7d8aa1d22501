import { test } from '@japa/runner'
import knex from 'knex'
import db from '@adonisjs/lucid/services/db'
import { Like } from '#services/database/like'

/*
| A search takes the typed text literally on both databases: `%` and `_` are no
| wildcards, and a `_` in an e-mail address finds the address on SQLite (the demo)
| as on MariaDB (production).
*/
const VALUES = [
  'max_muster@example.com',
  'maxXmuster@example.com',
  '100% Bio',
  '1000 Bio',
  'A!B',
  'A\\B',
  'Musterstraße 1',
]

/** What each search finds, as [term, kind, found values] */
const CASES: [string, 'containing' | 'startingWith', string[]][] = [
  ['max_muster', 'containing', ['max_muster@example.com']],
  ['100%', 'containing', ['100% Bio']],
  ['!', 'containing', ['A!B']],
  ['\\', 'containing', ['A\\B']],
  ['straße', 'containing', ['Musterstraße 1']],
  ['100', 'startingWith', ['100% Bio', '1000 Bio']],
  ['_', 'startingWith', []],
]

async function found(search: (column: string, pattern: string) => Promise<{ v: string }[]>) {
  const results: [string, string[]][] = []
  for (const [term, kind] of CASES) {
    const rows = await search('probe.v', Like[kind](term))
    results.push([term, rows.map((row) => row.v).sort()])
  }
  return results
}

const expected = CASES.map(([term, , values]) => [term, [...values].sort()])

test.group('LIKE searches take the text literally', () => {
  test('on MariaDB', async ({ assert }) => {
    await db.transaction(async (trx) => {
      await trx.rawQuery('CREATE TEMPORARY TABLE probe (v VARCHAR(64))')
      await trx.table('probe').multiInsert(VALUES.map((v) => ({ v })))
      const results = await found(async (column, pattern) =>
        Like.where(trx.from('probe'), column, pattern).select('v')
      )
      assert.deepEqual(results, expected)
      await trx.rawQuery('DROP TEMPORARY TABLE probe')
    })
  })

  test('on SQLite', async ({ assert }) => {
    const sqlite = knex({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    })
    try {
      await sqlite.schema.createTable('probe', (table) => table.string('v'))
      await sqlite('probe').insert(VALUES.map((v) => ({ v })))
      const results = await found(async (column, pattern) =>
        Like.where(sqlite('probe'), column, pattern).select('v')
      )
      assert.deepEqual(results, expected)
      /* what the old backslash escape found on SQLite: nothing */
      const old = await sqlite('probe').where('v', 'like', '%max\\_muster%')
      assert.lengthOf(old, 0)
    } finally {
      await sqlite.destroy()
    }
  })
})
