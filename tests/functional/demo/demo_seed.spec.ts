import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import StaffUser from '#models/staff_user'
import { DemoSeeder } from '#demo/demo_seeder'
import { isValidIban } from '#demo/check_digits'
import { DEMO_MERCHANT_EMAIL, DEMO_SUPPORT_EMAIL } from '#demo/demo_logins'
import { resetState } from '#tests/helpers/db'

const NOW = DateTime.fromISO('2026-11-26T15:30:00', { zone: 'Europe/Berlin' })
const passwords = {
  merchantPassword: 'Demo-merchant-pw-2026',
  supportPassword: 'Demo-support-pw-2026',
}

async function count(table: string, where: Record<string, unknown> = {}) {
  const row = await db.from(table).where(where).count('* as total').first()
  return Number(row.total)
}

test.group('Demo data: DemoSeeder on the test database', (group) => {
  group.each.setup(() => resetState())

  test('an empty database gets 3 customers, 8 terminals, 90 days of payments and both logins', async ({
    assert,
  }) => {
    const started = performance.now()
    const result = await new DemoSeeder().run({ ...passwords, now: NOW })
    const seconds = (performance.now() - started) / 1000
    assert.isTrue(result.seeded)
    assert.isBelow(seconds, 30)

    const customers = await db.from('customers').orderBy('customer_number')
    assert.deepEqual(
      customers.map((row) => row.customer_number),
      ['L1000001', 'L1000002', 'L1000003']
    )
    for (const customer of customers) {
      assert.isTrue(isValidIban(customer.iban), `IBAN ${customer.iban}`)
      assert.match(customer.vat_id, /^DE\d{9}$/)
      assert.match(customer.postal_code, /^\d{5}$/)
    }

    const terminals = await db.from('terminals')
    assert.lengthOf(terminals, 8)
    assert.lengthOf(new Set(terminals.map((row) => row.terminal_id)), 8)
    for (const terminal of terminals) {
      assert.match(terminal.terminal_id, /^[1-9]\d{7}$/)
      assert.isAbove(terminal.monthly_fee_minor, 0)
      assert.isNotNull(terminal.installed_at)
    }
    const models = new Set(terminals.map((row) => row.model))
    for (const model of ['Ingenico Move/5000', 'Ingenico Desk/5000', 'Verifone V400m']) {
      assert.isTrue(models.has(model), model)
    }
    const statuses = new Set(terminals.map((row) => row.status))
    assert.isTrue(statuses.has('active') && statuses.size >= 3)

    const transactions = await db
      .from('transactions')
      .select('occurred_at', 'type', 'status', 'card_brand', 'pan_masked', 'pan_last4', 'auth_code')
    assert.isAbove(transactions.length, 15_000)
    assert.isBelow(transactions.length, 60_000)
    assert.equal(result.seeded && result.transactions, transactions.length)

    /* the German brand mix: girocard most, then Visa, Mastercard, Maestro, V PAY, Amex */
    const brands: Record<string, number> = {}
    for (const row of transactions) brands[row.card_brand] = (brands[row.card_brand] ?? 0) + 1
    const order = Object.entries(brands)
      .sort((a, b) => b[1] - a[1])
      .map(([brand]) => brand)
    assert.deepEqual(order, ['girocard', 'visa', 'mastercard', 'maestro', 'vpay', 'amex'])
    assert.isAbove(brands.girocard / transactions.length, 0.4)

    const kinds = (type: string, status: string) =>
      transactions.filter((row) => row.type === type && row.status === status).length
    assert.isAbove(kinds('refund', 'approved'), 20)
    assert.isAbove(kinds('reversal', 'approved'), 20)
    assert.isAbove(kinds('sale', 'declined'), 50)
    assert.isBelow(kinds('sale', 'declined') / transactions.length, 0.05)

    const first = NOW.minus({ days: 90 })
    for (const row of transactions) {
      /* never more than the first 6 and last 4 digits */
      assert.match(row.pan_masked, /^\d{6}\*{5,9}\d{4}$/)
      assert.equal(row.pan_masked.slice(-4), row.pan_last4)
      if (row.status === 'declined') assert.isNull(row.auth_code)
      const at = DateTime.fromJSDate(row.occurred_at).setZone('Europe/Berlin')
      assert.isTrue(at >= first && at <= NOW, `${at.toISO()} outside the 90 days`)
      assert.isTrue(at.hour >= 5 || at.hour === 0, `${at.toISO()} is outside business hours`)
    }

    const merchant = await User.verifyCredentials(DEMO_MERCHANT_EMAIL, passwords.merchantPassword)
    assert.equal(merchant.state, 'active')
    assert.isNotNull(merchant.emailVerifiedAt)
    await merchant.load('customers')
    assert.sameMembers(
      merchant.customers.map((customer) => customer.customerNumber),
      ['L1000001', 'L1000002']
    )
    const support = await StaffUser.verifyCredentials(DEMO_SUPPORT_EMAIL, passwords.supportPassword)
    assert.equal(support.role, 'admin')
    assert.equal(support.state, 'active')
    assert.isNull(support.totpEnabledAt)
  }).timeout(120_000)

  test('the history has closings, one forgotten terminal, expected and paid payouts and a difference', async ({
    assert,
  }) => {
    const result = await new DemoSeeder().run({ ...passwords, now: NOW })
    assert.isTrue(result.seeded)

    const rhythms = await db.from('customers').orderBy('customer_number')
    assert.sameMembers(
      [...new Set(rhythms.map((row) => row.settlement_rhythm))],
      ['daily', 'weekly']
    )

    /* one closing per trading terminal and day, each linking that day's payments */
    const closings = await db.from('closings').select('*')
    assert.isAbove(closings.length, 400)
    assert.equal(result.seeded && result.closings, closings.length)
    const perDay = new Set(closings.map((row) => `${row.terminal_id}|${row.business_date}`))
    assert.equal(perDay.size, closings.length)
    const linked = await db
      .from('transactions')
      .whereNotNull('closing_id')
      .where('status', 'approved')
      .groupBy('closing_id')
      .select('closing_id', db.raw('COUNT(*) as n'))
    const linkedBy = new Map(linked.map((row) => [Number(row.closing_id), Number(row.n)]))
    for (const closing of closings) {
      assert.equal(closing.linked_count, linkedBy.get(Number(closing.id)) ?? 0)
    }
    const unknown = await db
      .from('transactions')
      .leftJoin('closings', 'closings.id', 'transactions.closing_id')
      .whereNotNull('transactions.closing_id')
      .whereNull('closings.id')
      .count('* as n')
      .first()
    assert.equal(Number(unknown.n), 0)

    /* exactly one terminal of the main customer has not closed for 6 days; its payments are open */
    const main = await db.from('customers').where('customer_number', 'L1000001').first()
    const terminals = await db
      .from('terminals')
      .where('customer_id', main.id)
      .where('status', 'active')
    const stale = terminals.filter((terminal) => {
      const days = NOW.diff(DateTime.fromJSDate(terminal.last_closed_at), 'days').days
      return days >= 5 && days <= 7
    })
    assert.lengthOf(stale, 1)
    const lastClosed = DateTime.fromJSDate(stale[0].last_closed_at)
    const open = await db
      .from('transactions')
      .where('terminal_id', stale[0].id)
      .whereNull('closing_id')
      .select('occurred_at')
    assert.isAbove(open.length, 100)
    assert.isTrue(open.every((row) => DateTime.fromJSDate(row.occurred_at) > lastClosed))
    const early = await db
      .from('transactions')
      .where('terminal_id', stale[0].id)
      .whereNull('closing_id')
      .where('occurred_at', '<=', lastClosed.toUTC().toFormat('yyyy-MM-dd HH:mm:ss'))
      .count('* as n')
      .first()
    assert.equal(Number(early.n), 0)
    const others = terminals.filter((terminal) => terminal.id !== stale[0].id)
    for (const terminal of others) {
      assert.isBelow(NOW.diff(DateTime.fromJSDate(terminal.last_closed_at), 'days').days, 2)
    }

    /* payouts: paid for older closings, expected for the latest; one difference each */
    const payouts = await db.from('payouts').select('*')
    const statuses = new Set(payouts.map((row) => row.status))
    assert.isTrue(statuses.has('paid') && statuses.has('expected'))
    for (const payout of payouts) {
      assert.equal(Number(payout.net_minor), Number(payout.gross_minor) - Number(payout.fees_minor))
      const day = DateTime.fromJSDate(payout.value_date).toISODate()!
      assert.equal(payout.status === 'paid', day < NOW.toISODate()!, payout.reference)
    }
    assert.isAtLeast(payouts.filter((row) => row.has_difference).length, 1)
    assert.lengthOf(
      closings.filter((row) => row.has_difference),
      1
    )
    const differing = closings.find((row) => row.has_difference)
    assert.equal(
      Number(differing.difference_minor),
      Number(differing.reported_net_minor) - Number(differing.linked_net_minor)
    )
    const covered = await db.from('payout_closings').count('* as n').first()
    assert.isAbove(Number(covered.n), closings.length)
    const fees = await db.from('payout_fees').sum('amount_minor as total').first()
    assert.equal(
      Number(fees.total),
      payouts.reduce((sum, row) => sum + Number(row.fees_minor), 0)
    )
  }).timeout(120_000)

  test('a database that holds data is left as it is', async ({ assert }) => {
    await new DemoSeeder().run({ ...passwords, now: NOW })
    const before = await count('transactions')
    const again = await new DemoSeeder().run({ ...passwords, now: NOW.plus({ days: 3 }) })
    assert.deepEqual(again, { seeded: false, reason: 'not_empty' })
    assert.equal(await count('transactions'), before)
    assert.equal(await count('customers'), 3)
    assert.equal(await count('users', { email: DEMO_MERCHANT_EMAIL }), 1)
    assert.equal(await count('staff_users', { email: DEMO_SUPPORT_EMAIL }), 1)
  }).timeout(120_000)

  test('the same seed and day give the same data', async ({ assert }) => {
    await new DemoSeeder().run({ ...passwords, now: NOW })
    const snapshot = async () =>
      db
        .from('transactions')
        .orderBy('reference')
        .select('reference', 'amount_minor', 'card_brand', 'occurred_at')
        .limit(200)
    const first = await snapshot()
    await resetState()
    await new DemoSeeder().run({ ...passwords, now: NOW })
    assert.deepEqual(await snapshot(), first)
  }).timeout(120_000)
})
