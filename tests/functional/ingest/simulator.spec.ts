import { spawn } from 'node:child_process'
import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { resetState } from '#tests/helpers/db'
import { createCustomer } from '#tests/helpers/auth'
import { baseUrl, countTransactions } from '#tests/functional/ingest/helpers'

/** Runs `node ace transactions:simulate …` as the operator would; resolves with its exit. */
function simulate(args: string[]) {
  const child = spawn(process.execPath, ['ace', 'transactions:simulate', ...args], {
    cwd: app.makePath(),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk) => (output += chunk))
  child.stderr.on('data', (chunk) => (output += chunk))
  const exited = new Promise<{ code: number | null; output: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, output }))
  )
  return { child, exited }
}

async function until(check: () => Promise<boolean>, timeoutMs: number) {
  const end = Date.now() + timeoutMs
  while (Date.now() < end) {
    if (await check()) return true
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return false
}

test.group('transactions:simulate', (group) => {
  group.each.setup(() => resetState())
  group.each.timeout(60_000)

  test('sends realistic transactions for one customer through the API and stops after --duration', async ({
    assert,
  }) => {
    const { customer, terminals } = await createCustomer({ terminals: 2 })
    const other = await createCustomer()
    const run = simulate([
      '--rate=40',
      '--duration=3',
      `--customer=${customer.customerNumber.toLowerCase()}`,
      `--url=${baseUrl()}`,
    ])
    const { code, output } = await run.exited
    assert.equal(code, 0, output)

    const rows = await db.from('transactions').select('*')
    assert.isAbove(rows.length, 30, output)
    assert.isTrue(rows.every((row) => row.customer_id === customer.id))
    assert.notInclude(
      rows.map((row) => row.terminal_id),
      other.terminals[0].id
    )
    assert.sameMembers(
      [...new Set(rows.map((row) => row.terminal_id))],
      terminals.map((t) => t.id)
    )
    const brands = new Map<string, number>()
    for (const row of rows) brands.set(row.card_brand, (brands.get(row.card_brand) ?? 0) + 1)
    assert.equal([...brands].sort((a, b) => b[1] - a[1])[0][0], 'girocard')
    assert.isTrue(rows.every((row) => /^\d{6}\*+\d{4}$/.test(row.pan_masked)))
    assert.include(output, 'rejected')
    assert.match(output, / 0 rejected, 0 failed/)
    /* it went through the API with the token it issued for itself, revoked on exit */
    const tokens = await db.from('api_tokens').select('revoked_at', 'last_used_at')
    assert.lengthOf(tokens, 1)
    assert.isNotNull(tokens[0].last_used_at)
    assert.isNotNull(tokens[0].revoked_at)
  })

  test('a simulated day ends with closings that link the sent payments, and an expected payout', async ({
    assert,
  }) => {
    const { customer, terminals } = await createCustomer({ terminals: 2 })
    /* one simulated day every 2 s: the first closing round comes within 2 s */
    const run = simulate([
      '--rate=20',
      '--duration=7',
      '--day-seconds=2',
      `--customer=${customer.customerNumber}`,
      `--url=${baseUrl()}`,
    ])
    const { code, output } = await run.exited
    assert.equal(code, 0, output)
    assert.match(output, /[1-9]\d* closings/)

    const closings = await db.from('closings').orderBy('id')
    assert.isAbove(closings.length, 0, output)
    assert.isTrue(closings.every((row) => row.customer_id === customer.id))
    assert.isTrue(
      closings.every((row) => terminals.some((terminal) => terminal.id === row.terminal_id))
    )
    /* per terminal, numbers count up from 1 */
    for (const terminal of terminals) {
      const numbers = closings
        .filter((row) => row.terminal_id === terminal.id)
        .map((row) => row.closing_number)
      assert.deepEqual(
        numbers,
        numbers.map((_, index) => index + 1)
      )
    }
    /* each closing linked the payments stored before it; it reported what it linked */
    const linked = await db.from('transactions').whereNotNull('closing_id').count('* as n').first()
    assert.isAbove(Number(linked.n), 0)
    const matching = closings.filter((row) => !row.has_difference)
    assert.isAbove(matching.length, 0)
    for (const row of matching) {
      assert.equal(Number(row.reported_net_minor), Number(row.linked_net_minor))
    }

    const payouts = await db.from('payouts').where('customer_id', customer.id)
    assert.isAbove(payouts.length, 0, output)
    assert.isTrue(payouts.every((row) => row.reference.startsWith('SIM-')))
    assert.isTrue(payouts.every((row) => ['expected', 'paid'].includes(row.status)))
    const girocard = payouts.find((row) => row.kind === 'girocard')!
    assert.exists(girocard)
    assert.equal(
      Number(girocard.net_minor),
      Number(girocard.gross_minor) - Number(girocard.fees_minor)
    )
    const covered = await db.from('payout_closings').where('payout_id', girocard.id)
    assert.isAbove(covered.length, 0)
    /* the token it issued is revoked on exit, as before */
    const tokens = await db.from('api_tokens').select('revoked_at')
    assert.isNotNull(tokens[0].revoked_at)
  })

  test('exits cleanly on SIGTERM and on SIGINT', async ({ assert }) => {
    await createCustomer({ terminals: 3 })
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const before = await countTransactions()
      const run = simulate(['--rate=10', `--url=${baseUrl()}`])
      assert.isTrue(
        await until(async () => (await countTransactions()) > before, 20_000),
        'nothing arrived'
      )
      const stoppedAt = Date.now()
      run.child.kill(signal)
      const { code, output } = await run.exited
      assert.equal(code, 0, output)
      assert.isBelow(Date.now() - stoppedAt, 5000)
      assert.include(output, 'simulator stopped')
    }
  })

  test('refuses to start without terminals', async ({ assert }) => {
    const { code, output } = await simulate(['--customer=L0000000', `--url=${baseUrl()}`]).exited
    assert.equal(code, 1)
    assert.include(output, 'No active terminals for customer L0000000')
  })
})
