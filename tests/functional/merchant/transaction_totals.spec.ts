import { test } from '@japa/runner'
import type { Assert } from '@japa/assert'
import { DateTime } from 'luxon'
import ace from '@adonisjs/core/services/ace'
import db from '@adonisjs/lucid/services/db'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { createCustomer, createMerchant, loginAs } from '#tests/helpers/auth'
import { issueToken, item, postBatch } from '#tests/functional/ingest/helpers'
import { addTransactions, visibleText } from '#tests/functional/merchant/fixtures'
import { Prng } from '#demo/prng'
import { CARD_BRANDS, TRANSACTION_STATUSES, TRANSACTION_TYPES } from '#models/transaction'
import type Terminal from '#models/terminal'
import { formatMoney, formatNumber } from '#services/format/formatters'
import { buildFilter, type FilterInput } from '#services/merchant/transaction_filter'
import { TransactionQuery } from '#services/merchant/transaction_query'
import {
  PENDING_TABLE,
  TOTALS_TABLE,
  TransactionTotals,
  berlinDay,
} from '#services/merchant/transaction_totals'
import { registerTotalsRollupScheduler } from '#services/merchant/totals_scheduler'
import { enqueue, getQueue } from '#services/queue/queues'
import { totalsRollupJob } from '#jobs/totals_rollup'

/*
| The list's totals come from `transaction_totals` (issue 19): every way a transaction
| is written keeps it equal to a live SUM over `transactions`, for every filter the
| table answers, across month edges and the DST change days.
*/

const zone = 'Europe/Berlin'
const berlin = (text: string) => DateTime.fromISO(text, { zone })
const utc = (text: string) => DateTime.fromISO(text, { zone: 'utc' })

/* instants where a wrong offset or month edge would put a row on the wrong day */
const EDGES = [
  berlin('2026-03-28T23:30'),
  berlin('2026-03-29T00:30'),
  utc('2026-03-29T00:59:59'),
  utc('2026-03-29T01:00:00'),
  berlin('2026-03-29T23:30'),
  berlin('2026-03-30T00:30'),
  berlin('2026-10-24T23:30'),
  berlin('2026-10-25T00:30'),
  /* 02:30 twice: summer time, then winter time */
  utc('2026-10-25T00:30'),
  utc('2026-10-25T01:30'),
  berlin('2026-10-25T23:30'),
  berlin('2026-10-26T00:30'),
  berlin('2025-03-30T00:30'),
  berlin('2025-03-30T23:30'),
  berlin('2025-10-26T00:30'),
  berlin('2025-10-26T23:30'),
  berlin('2025-12-31T23:59:59'),
  berlin('2026-01-01T00:00'),
  berlin('2026-02-28T23:59:59'),
  berlin('2026-03-01T00:00'),
  berlin('2026-03-31T23:59:59'),
  berlin('2026-04-01T00:00'),
  berlin('2026-10-31T23:59:59'),
  berlin('2026-11-01T00:00'),
]

/** A mixed batch of ingest items: every type, status and brand, edge instants and the last 13 months. */
function items(random: Prng, terminals: Terminal[], count: number) {
  const now = DateTime.now()
  return Array.from({ length: count }, (_, i) => {
    const at =
      i < EDGES.length && random.chance(0.7)
        ? EDGES[i]
        : now.minus({ minutes: random.int(2, 60 * 24 * 400) })
    return item(random.pick(terminals).terminalId, {
      occurred_at: at.toISO(),
      type: random.pick(TRANSACTION_TYPES),
      status: random.chance(0.75) ? 'approved' : 'declined',
      card_brand: random.pick(CARD_BRANDS),
      amount_minor: random.int(1, 250_000),
    })
  })
}

/** Posts the items in batches; each later batch repeats some of the earlier items and one of its own. */
async function ingest(token: string, all: Record<string, unknown>[], size = 60) {
  for (let i = 0; i < all.length; i += size) {
    const batch = all.slice(i, i + size)
    const repeats = all.slice(Math.max(0, i - 5), i)
    const response = await postBatch([...batch, ...repeats, batch[0]], token)
    const { created, duplicate } = response.json?.counts ?? {}
    if (response.status !== 200 || created !== batch.length || duplicate !== repeats.length + 1) {
      throw new Error(`ingest answered ${response.status} ${response.text}`)
    }
  }
}

/** Every row of the table, in key order, as plain values. */
async function tableRows() {
  const rows = await db
    .from(TOTALS_TABLE)
    .orderBy(['customer_id', 'grain', 'day', 'terminal_id', 'card_brand'])
  return rows.map((row) => ({
    ...row,
    day: row.day instanceof Date ? row.day.toISOString().slice(0, 10) : row.day,
  }))
}

async function noDifferences(assert: Assert, customerIds: number[]) {
  for (const id of customerIds) {
    assert.deepEqual(await TransactionTotals.differences(id), [], `customer ${id}`)
  }
}

/** Runs `node ace transactions:totals` in-process; its exit code and output lines. */
async function command(args: string[]) {
  ace.ui.switchMode('raw')
  try {
    const run = await ace.exec('transactions:totals', args)
    return { exitCode: run.exitCode, out: run.logger.getLogs().map((log) => log.message) }
  } finally {
    ace.ui.switchMode('normal')
  }
}

async function dataset(seed = 19) {
  const m = await createMerchant({ customers: [{ terminals: 2 }, { terminals: 1 }] })
  /* another merchant's customer: its rows must never count */
  const other = await createCustomer({ terminals: 1 })
  const token = await issueToken()
  const random = new Prng(seed)
  await ingest(token, items(random, m.terminals, 420))
  await ingest(token, items(random, other.terminals, 60))
  return { m, other, token, random }
}

test.group('Transaction totals: maintained per day and month', (group) => {
  group.each.setup(() => resetState())

  test('the 13-month list shows the live sums after batches with duplicates', async ({
    assert,
  }) => {
    const { m, other } = await dataset()
    const ids = m.customers.map((c) => c.id)
    const from = DateTime.now().setZone(zone).minus({ months: 13 }).toISODate()!
    const to = DateTime.now().setZone(zone).toISODate()!
    const live = await TransactionQuery.liveTotals(ids, buildFilter({ from, to })!)
    assert.isAbove(live.count, 300)

    const agent = new Agent()
    await loginAs(agent, m.user.email, m.password)
    const page = visibleText(
      (await agent.get(`/transactions?customer=all&from=${from}&to=${to}`)).text
    )
    assert.include(page, `Anzahl ${formatNumber(live.count, 'de')}`)
    assert.include(page, `davon genehmigt ${formatNumber(live.approved, 'de')}`)
    assert.include(page, formatMoney(live.turnover, 'de').replace(/\u00a0|\u202f/g, ' '))
    await noDifferences(assert, [...ids, other.customer.id])

    /* the worker's rollup moves the pending rows into the table: the page stays the same */
    assert.isAbove(await TransactionTotals.rollup(), 400)
    const after = visibleText(
      (await agent.get(`/transactions?customer=all&from=${from}&to=${to}`)).text
    )
    assert.include(after, `Anzahl ${formatNumber(live.count, 'de')}`)
    assert.include(after, `davon genehmigt ${formatNumber(live.approved, 'de')}`)
    await noDifferences(assert, [...ids, other.customer.id])
  })

  test('each pending mark carries its customer; a rebuild of one customer clears only its marks', async ({
    assert,
  }) => {
    const { m, other } = await dataset()
    const marks = await db
      .from(`${PENDING_TABLE} as p`)
      .join('transactions as t', 't.id', 'p.transaction_id')
      .select('p.customer_id as marked', 't.customer_id as actual')
    assert.equal(marks.length, 480)
    assert.isTrue(marks.every((mark) => Number(mark.marked) === Number(mark.actual)))

    await TransactionTotals.rebuild(db.connection(), [other.customer.id])
    const left = await db.from(PENDING_TABLE).select('customer_id')
    assert.equal(left.length, 420)
    const mine = new Set(m.customers.map((c) => c.id))
    assert.isTrue(left.every((mark) => mine.has(Number(mark.customer_id))))
    await noDifferences(assert, [...mine, other.customer.id])
  })

  test('for every filter the table answers, its totals equal the live query', async ({
    assert,
  }) => {
    const { m } = await dataset(7)
    /* rows created through the model (its afterCreate hook) count as well */
    await addTransactions(m.terminals[2], [
      { occurredAt: berlin('2026-10-25T23:30'), type: 'refund', amountMinor: 777 },
      { occurredAt: berlin('2026-03-29T00:30'), status: 'declined', cardBrand: 'amex' },
    ])
    const ids = m.customers.map((c) => c.id)
    const periods: [string, string][] = [
      ['2026-03-29', '2026-03-29'],
      ['2026-10-25', '2026-10-25'],
      ['2026-03-28', '2026-03-30'],
      ['2026-10-24', '2026-10-26'],
      ['2025-03-30', '2025-03-30'],
      ['2025-10-26', '2025-10-26'],
      ['2026-03-31', '2026-04-01'],
      ['2026-10-31', '2026-11-01'],
      ['2025-12-31', '2026-01-01'],
      ['2026-03-15', '2026-04-10'],
      ['2026-02-01', '2026-02-28'],
      ['2026-03-01', '2026-03-31'],
      ['2026-01-02', '2026-03-30'],
      ['2026-03-29', '2026-10-25'],
      ['2025-11-01', '2026-10-31'],
      ['2025-11-03', '2026-12-03'],
      ['2024-01-01', '2026-12-31'],
    ]
    const random = new Prng(1901)
    const some = <T>(values: readonly T[]) =>
      random.chance(0.5) ? undefined : values.filter(() => random.chance(0.4))
    let compared = 0
    /* first with the ingested rows pending (summed live), then after the worker's rollup */
    const pendingBefore = await TransactionTotals.pendingCount()
    assert.isAbove(pendingBefore, 300)
    for (const phase of ['pending', 'rolled up']) {
      if (phase === 'rolled up') {
        assert.equal(await TransactionTotals.rollup(), pendingBefore)
        assert.equal(await TransactionTotals.pendingCount(), 0)
      }
      for (const [from, to] of periods) {
        for (let i = 0; i < 12; i++) {
          const input: FilterInput = {
            from,
            to,
            brand: some(CARD_BRANDS),
            type: some(TRANSACTION_TYPES),
            status: some(TRANSACTION_STATUSES),
          }
          const filter = buildFilter(input)!
          const terminal = random.chance(0.3) ? random.pick(m.terminals) : undefined
          if (terminal)
            Object.assign(filter, { terminal: terminal.terminalId, terminalDbId: terminal.id })
          const scope = random.chance(0.2) ? [random.pick(ids)] : ids
          assert.isTrue(TransactionTotals.answers(filter))
          const live = await TransactionQuery.liveTotals(scope, filter)
          const table = await TransactionTotals.totals(scope, filter)
          assert.deepEqual(
            table,
            live,
            JSON.stringify({ phase, ...input, terminal: terminal?.id, scope })
          )
          if (live.count) compared++
        }
      }
    }
    assert.isAbove(compared, 200)

    /* amounts and the search are not in the table: the list sums those live */
    const byAmount = buildFilter({ from: '2025-11-01', to: '2026-12-03', amount_min: '100' })!
    assert.isFalse(TransactionTotals.answers(byAmount))
    assert.deepEqual(
      await TransactionQuery.totals(ids, byAmount),
      await TransactionQuery.liveTotals(ids, byAmount)
    )
  })

  test('a period of whole months reads the month rows, the edge days the day rows', async ({
    assert,
  }) => {
    const { m } = await dataset(3)
    const ids = m.customers.map((c) => c.id)
    const filter = buildFilter({ from: '2025-11-15', to: '2026-11-20' })!
    const statement = TransactionTotals.totalsStatement(ids, filter)
    const sql = db.knexRawQuery(statement.sql, statement.bindings).toQuery()
    assert.include(sql, "(grain = 'm' AND day BETWEEN '2025-12-01' AND '2026-10-01')")
    assert.include(sql, "(grain = 'd' AND day BETWEEN '2025-11-15' AND '2025-11-30')")
    assert.include(sql, "(grain = 'd' AND day BETWEEN '2026-11-01' AND '2026-11-20')")
    await TransactionTotals.rollup()
    await db.rawQuery(`ANALYZE TABLE ${TOTALS_TABLE}`)
    const [plan] = await db.rawQuery(`EXPLAIN ${sql}`)
    const totals = plan.find((row: any) => row.table === TOTALS_TABLE)
    assert.equal(totals.key, 'PRIMARY', sql)
    assert.equal(totals.type, 'range', sql)
    /* the pending part starts from the (small) pending table and looks transactions up by id */
    const transactions = plan.find((row: any) => row.table === 't')
    assert.equal(transactions.type, 'eq_ref', sql)
  })

  test('the Berlin day of a row is the same in JS and in the rebuild SQL, DST days included', async ({
    assert,
  }) => {
    const m = await createMerchant()
    const instants = [...EDGES]
    for (
      let at = utc('2026-03-28T20:00');
      at < utc('2026-03-30T02:00');
      at = at.plus({ minutes: 30 })
    )
      instants.push(at)
    for (
      let at = utc('2026-10-24T20:00');
      at < utc('2026-10-26T02:00');
      at = at.plus({ minutes: 30 })
    )
      instants.push(at)
    const ids = await addTransactions(
      m.terminals[0],
      instants.map((occurredAt) => ({ occurredAt }))
    )
    /* the hook's rows, then the rebuild's: the same table */
    const added = await tableRows()
    const written = await TransactionTotals.rebuild(db.connection(), [m.customers[0].id])
    assert.equal(written, added.length)
    assert.deepEqual(await tableRows(), added)

    const days = await db.from(TOTALS_TABLE).where('grain', 'd').sum('n_sale_approved as n')
    assert.equal(Number(days[0].n), ids.length)
    const expected = new Map<string, number>()
    for (const at of instants) expected.set(berlinDay(at), (expected.get(berlinDay(at)) ?? 0) + 1)
    /* a 23-hour and a 25-hour day: 46 and 50 half hours, and 4 edge rows each */
    assert.equal(expected.get('2026-03-29'), 46 + 4)
    assert.equal(expected.get('2026-10-25'), 50 + 4)
    const stored = (await tableRows()).filter((row) => row.grain === 'd')
    assert.deepEqual(
      Object.fromEntries(stored.map((row) => [row.day, Number(row.n_sale_approved)])),
      Object.fromEntries(expected)
    )
  })

  test('rebuild gives exactly the rows the ingest added', async ({ assert }) => {
    const { m, other } = await dataset(11)
    assert.isAbove(await TransactionTotals.rollup(), 400)
    const added = await tableRows()
    assert.isAbove(added.length, 100)
    await TransactionTotals.rebuild()
    assert.deepEqual(await tableRows(), added)
    await TransactionTotals.rebuild(db.connection(), [other.customer.id])
    assert.deepEqual(await tableRows(), added)
    await noDifferences(
      assert,
      m.customers.map((c) => c.id)
    )
  })

  test('transactions:totals --check finds a corrupted row; the command rebuilds it', async ({
    assert,
  }) => {
    const { m } = await dataset(5)
    /* pending rows are no difference (counted live); rolled up, the table must agree */
    const pending = await command(['--check'])
    assert.equal(pending.exitCode, 0)
    assert.isTrue(
      pending.out.some((line) => /differences: 0 .*[1-9]\d* transactions pending/.test(line))
    )
    const rolled = await command(['--rollup'])
    assert.isTrue(
      rolled.out.some((line) => /pending transactions added to the totals: [1-9]/.test(line))
    )
    const clean = await command(['--check'])
    assert.equal(clean.exitCode, 0)
    assert.isTrue(clean.out.some((line) => line.includes('differences: 0')))

    const [row] = await db
      .from(TOTALS_TABLE)
      .where('customer_id', m.customers[0].id)
      .where('grain', 'd')
      .where('n_sale_approved', '>', 0)
      .orderBy('day')
      .limit(1)
    const day = row.day instanceof Date ? row.day.toISOString().slice(0, 10) : row.day
    await db
      .from(TOTALS_TABLE)
      .where({ customer_id: row.customer_id, grain: 'd', day })
      .where({ terminal_id: row.terminal_id, card_brand: row.card_brand })
      .update({ n_sale_approved: Number(row.n_sale_approved) + 1 })
    const broken = await command(['--check'])
    assert.equal(broken.exitCode, 1)
    const tid = m.terminals.find((t) => t.id === row.terminal_id)!.terminalId
    const expected = `${m.customers[0].customerNumber} day ${day} TID ${tid} ${row.card_brand} n_sale_approved: table ${Number(row.n_sale_approved) + 1}, live ${row.n_sale_approved}`
    assert.include(broken.out, expected)
    assert.isTrue(broken.out.some((line) => line.includes('differences: 1')))
    /* the other customer is fine */
    const one = await command(['--check', `--customer=${m.customers[1].customerNumber}`])
    assert.equal(one.exitCode, 0)

    const rebuilt = await command([`--customer=${m.customers[0].customerNumber}`])
    assert.equal(rebuilt.exitCode, 0)
    assert.match(rebuilt.out.join('\n'), /totals rebuilt: \d+ rows written for 1 customer$/m)
    assert.equal((await command(['--check'])).exitCode, 0)

    const unknown = await command(['--customer=L9999999'])
    assert.equal(unknown.exitCode, 1)
    assert.isTrue(unknown.out.some((line) => line.includes('No customer with the number')))
  })

  test('concurrent batches with shared references leave the table equal to the live sum', async ({
    assert,
  }) => {
    const m = await createMerchant({ customers: [{ terminals: 2 }] })
    const token = await issueToken()
    const random = new Prng(42)
    /* all on a few days, so the batches upsert the same total rows */
    const shared = Array.from({ length: 40 }, () =>
      item(random.pick(m.terminals).terminalId, {
        type: random.pick(TRANSACTION_TYPES),
        status: random.chance(0.8) ? 'approved' : 'declined',
        card_brand: random.pick(['girocard', 'visa']),
        amount_minor: random.int(1, 9999),
      })
    )
    const batches = Array.from({ length: 6 }, () => [
      ...shared.filter(() => random.chance(0.6)),
      ...Array.from({ length: 30 }, () =>
        item(random.pick(m.terminals).terminalId, { card_brand: random.pick(['girocard', 'visa']) })
      ),
    ])
    const answers = await Promise.all(batches.map((batch) => postBatch(batch, token)))
    assert.deepEqual(
      answers.map((a) => a.status),
      batches.map(() => 200)
    )
    const created = answers.reduce((n, a) => n + a.json.counts.created, 0)
    const unique = new Set(batches.flat().map((i) => i.reference)).size
    assert.equal(created, unique)
    await noDifferences(assert, [m.customers[0].id])
    const filter = buildFilter({ preset: 'today' })!
    const ids = [m.customers[0].id]
    assert.deepEqual(
      await TransactionTotals.totals(ids, filter),
      await TransactionQuery.liveTotals(ids, filter)
    )
  })
})

test.group('Transaction totals: the rollup', (group) => {
  group.each.setup(() => resetState())

  test('two rollups at once move every pending row exactly once', async ({ assert }) => {
    const { m, other } = await dataset(23)
    const pending = await TransactionTotals.pendingCount()
    assert.isAbove(pending, 400)
    const moved = await Promise.all([TransactionTotals.rollup(), TransactionTotals.rollup()])
    assert.equal(moved[0] + moved[1], pending)
    assert.equal(await TransactionTotals.pendingCount(), 0)
    await noDifferences(assert, [...m.customers.map((c) => c.id), other.customer.id])
  })

  test('the worker runs the rollup job and the schedule is one, every 5 seconds', async ({
    assert,
  }) => {
    const { m } = await dataset(29)
    assert.isAbove(await TransactionTotals.pendingCount(), 300)
    await enqueue(totalsRollupJob.queue, totalsRollupJob.name, { triggeredBy: 'test' })
    const deadline = Date.now() + 15_000
    while ((await TransactionTotals.pendingCount()) > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    assert.equal(await TransactionTotals.pendingCount(), 0)
    await noDifferences(
      assert,
      m.customers.map((c) => c.id)
    )

    const queue = getQueue(totalsRollupJob.queue)
    await Promise.all([registerTotalsRollupScheduler(), registerTotalsRollupScheduler()])
    const ours = (await queue.getJobSchedulers()).filter(
      (entry) => entry.key === totalsRollupJob.schedulerId
    )
    assert.lengthOf(ours, 1)
    assert.equal(Number(ours[0].every), 5000)
    await queue.removeJobScheduler(totalsRollupJob.schedulerId)
  })
})
