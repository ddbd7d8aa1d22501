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
