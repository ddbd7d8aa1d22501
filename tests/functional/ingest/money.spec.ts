import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { resetState } from '#tests/helpers/db'
import { createCustomer } from '#tests/helpers/auth'
import { baseUrl, issueToken, item, postBatch } from '#tests/functional/ingest/helpers'
import { PayoutIngest } from '#services/ingest/payout_ingest'

/* A Luhn-valid card number that must never be stored or echoed. */
const PAN = '4929480352831741'

async function post(path: string, body: unknown, token?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (token) headers.authorization = `Bearer ${token}`
  const response = await fetch(`${baseUrl()}/api/v1/${path}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  })
  const text = await response.text()
  return { status: response.status, text, json: JSON.parse(text) }
}

const berlin = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Berlin' })
const at = (minutesAgo: number) =>
  DateTime.now().setZone('Europe/Berlin').minus({ minutes: minutesAgo }).toISO()!

/** Stores transactions of a terminal at the given times (minutes ago). */
async function transactionsAt(
  token: string,
  tid: string,
  specs: { minutesAgo: number; amount: number; type?: string; brand?: string; status?: string }[]
) {
  const response = await postBatch(
    specs.map((spec) =>
      item(tid, {
        occurred_at: at(spec.minutesAgo),
        amount_minor: spec.amount,
        type: spec.type ?? 'sale',
        card_brand: spec.brand ?? 'girocard',
        status: spec.status ?? 'approved',
      })
    ),
    token
  )
  if (response.status !== 200 || response.json.counts.created !== specs.length) {
    throw new Error(`transactions not stored: ${response.text}`)
  }
}

const closingsOf = (tid: string) =>
  db
    .from('closings')
    .join('terminals', 'terminals.id', 'closings.terminal_id')
    .where('terminals.terminal_id', tid)
    .select('closings.*')
    .orderBy('closing_number')

test.group('Ingest API: closings', (group) => {
  group.each.setup(() => resetState())

  test('a closing links exactly the unclosed transactions before it', async ({ assert }) => {
    const token = await issueToken()
    const { terminals } = await createCustomer({ terminals: 2 })
    const [tid, otherTid] = terminals.map((terminal) => terminal.terminalId)
    /* 3 payments before the closing (one already closed earlier), 1 after, 1 of another terminal */
    await transactionsAt(token, tid, [{ minutesAgo: 300, amount: 500 }])
    const first = await post(
      'closings',
      {
        closings: [
          {
            terminal_id: tid,
            closing_number: 1,
            closed_at: at(250),
            totals: [{ card_brand: 'girocard', sales_count: 1, sales_minor: 500 }],
          },
        ],
      },
      token
    )
    assert.equal(first.status, 200, first.text)
    assert.equal(first.json.results[0].status, 'created')
    assert.equal(first.json.results[0].linked_count, 1)

    await transactionsAt(token, tid, [
      { minutesAgo: 200, amount: 1000 },
      { minutesAgo: 150, amount: 2500, brand: 'visa' },
      { minutesAgo: 140, amount: 300, type: 'refund' },
      { minutesAgo: 130, amount: 999, status: 'declined' },
      { minutesAgo: 10, amount: 4200 },
    ])
    await transactionsAt(token, otherTid, [{ minutesAgo: 180, amount: 777 }])

    const second = await post(
      'closings',
      {
        closings: [
          {
            terminal_id: tid,
            closing_number: 2,
            closed_at: at(60),
            automatic: false,
            totals: [
              {
                card_brand: 'girocard',
                sales_count: 1,
                sales_minor: 1000,
                refunds_count: 1,
                refunds_minor: 300,
              },
              { card_brand: 'visa', sales_count: 1, sales_minor: 2500 },
            ],
          },
        ],
      },
      token
    )
    assert.equal(second.status, 200, second.text)
    const result = second.json.results[0]
    assert.equal(result.status, 'created')
    assert.equal(result.linked_count, 3)
    assert.equal(result.difference_minor, 0)
    assert.isFalse(result.has_difference)

    const linked = await db
      .from('transactions')
      .where('closing_id', result.id)
      .orderBy('amount_minor')
      .select('amount_minor', 'status')
    /* the declined one belongs to the terminal's journal of that closing too */
    assert.deepEqual(
      linked.map((row) => Number(row.amount_minor)),
      [300, 999, 1000, 2500]
    )
    const open = await db
      .from('transactions')
      .whereNull('closing_id')
      .orderBy('amount_minor')
      .select('amount_minor')
    assert.deepEqual(
      open.map((row) => Number(row.amount_minor)),
      [777, 4200]
    )
    const [, closing] = await closingsOf(tid)
    assert.equal(Number(closing.reported_net_minor), 3200)
    assert.equal(Number(closing.linked_net_minor), 3200)
    assert.equal(Number(closing.girocard_net_minor), 700)
    assert.equal(Number(closing.scheme_net_minor), 2500)
    const terminal = await db.from('terminals').where('terminal_id', tid).first()
    assert.isNotNull(terminal.last_closed_at)
  })

  test("a terminal moved to another customer: its next closing links only the new customer's payments", async ({
    assert,
  }) => {
    const token = await issueToken()
    const a = await createCustomer()
    const b = await createCustomer()
    const tid = a.terminals[0].terminalId
    await transactionsAt(token, tid, [{ minutesAgo: 300, amount: 1111 }])
    /* the terminal import gives the terminal to B */
    await db.from('terminals').where('terminal_id', tid).update({ customer_id: b.customer.id })
    await transactionsAt(token, tid, [{ minutesAgo: 200, amount: 2222 }])

    const response = await post(
      'closings',
      {
        closings: [
          {
            terminal_id: tid,
            closing_number: 1,
            closed_at: at(60),
            totals: [{ card_brand: 'girocard', sales_count: 1, sales_minor: 2222 }],
          },
        ],
      },
      token
    )
    assert.equal(response.status, 200, response.text)
    const result = response.json.results[0]
    assert.equal(result.linked_count, 1)
    assert.equal(result.difference_minor, 0)
    const linked = await db.from('transactions').where('closing_id', result.id)
    assert.deepEqual(
      linked.map((row) => [Number(row.amount_minor), Number(row.customer_id)]),
      [[2222, b.customer.id]]
    )
    /* A's payment stays A's and open */
    const open = await db.from('transactions').whereNull('closing_id').select('customer_id')
    assert.deepEqual(
      open.map((row) => Number(row.customer_id)),
      [a.customer.id]
    )
  })

  test('a repeated closing is a duplicate and changes nothing', async ({ assert }) => {
    const token = await issueToken()
    const { terminals } = await createCustomer()
    const tid = terminals[0].terminalId
    await transactionsAt(token, tid, [{ minutesAgo: 30, amount: 1500 }])
    const body = {
      closings: [
        {
          terminal_id: tid,
          closing_number: 7,
          closed_at: at(5),
          totals: [{ card_brand: 'girocard', sales_count: 1, sales_minor: 1500 }],
        },
      ],
    }
    assert.equal((await post('closings', body, token)).json.results[0].status, 'created')
    const again = await post('closings', body, token)
    assert.equal(again.status, 200)
    assert.deepEqual(again.json.results[0], {
      index: 0,
      status: 'duplicate',
      terminal_id: tid,
      closing_number: 7,
    })
    assert.lengthOf(await closingsOf(tid), 1)
    assert.lengthOf(await db.from('closing_totals'), 1)
  })

  test('a closing whose totals do not match is stored with the difference', async ({ assert }) => {
    const token = await issueToken()
    const { terminals } = await createCustomer()
    const tid = terminals[0].terminalId
    await transactionsAt(token, tid, [
      { minutesAgo: 30, amount: 1500 },
      { minutesAgo: 20, amount: 500 },
    ])
    const response = await post(
      'closings',
      {
        closings: [
          {
            terminal_id: tid,
            closing_number: 3,
            closed_at: at(5),
            totals: [{ card_brand: 'girocard', sales_count: 3, sales_minor: 2750 }],
          },
        ],
      },
      token
    )
    assert.equal(response.status, 200)
    assert.include(response.json.results[0], {
      status: 'created',
      linked_count: 2,
      difference_minor: 750,
      has_difference: true,
    })
    const [closing] = await closingsOf(tid)
    assert.equal(Number(closing.difference_minor), 750)
    assert.isTrue(Boolean(closing.has_difference))
    const [total] = await db.from('closing_totals').where('closing_id', closing.id)
    assert.equal(Number(total.reported_sales_minor), 2750)
    assert.equal(Number(total.linked_sales_minor), 2000)
  })

  test('amounts swapped between card brands are a difference, though the sum matches', async ({
    assert,
  }) => {
    const token = await issueToken()
    const { terminals } = await createCustomer()
    const tid = terminals[0].terminalId
    await transactionsAt(token, tid, [
      { minutesAgo: 30, amount: 5000, brand: 'girocard' },
      { minutesAgo: 20, amount: 10000, brand: 'visa' },
    ])
    const response = await post(
      'closings',
      {
        closings: [
          {
            terminal_id: tid,
            closing_number: 4,
            closed_at: at(5),
            totals: [
              { card_brand: 'girocard', sales_count: 1, sales_minor: 10000 },
              { card_brand: 'visa', sales_count: 1, sales_minor: 5000 },
            ],
          },
        ],
      },
      token
    )
    assert.equal(response.status, 200)
    assert.include(response.json.results[0], {
      status: 'created',
      difference_minor: 0,
      has_difference: true,
    })
    const [closing] = await closingsOf(tid)
    assert.isTrue(Boolean(closing.has_difference))
  })

  test('unknown terminal, bad fields and a card number are refused; nothing is stored', async ({
    assert,
  }) => {
    const token = await issueToken()
    const { terminals } = await createCustomer()
    const tid = terminals[0].terminalId
    const response = await post(
      'closings',
      {
        closings: [
          { terminal_id: '99999999', closing_number: 1, closed_at: at(5), totals: [] },
          { terminal_id: tid, closing_number: 0, closed_at: 'yesterday', totals: [] },
          {
            terminal_id: tid,
            closing_number: 2,
            closed_at: at(5),
            totals: [{ card_brand: 'girocard', sales_count: 1, sales_minor: 100 }],
            note: `Karte ${PAN}`,
          },
          {
            terminal_id: tid,
            closing_number: 3,
            closed_at: DateTime.now().plus({ hours: 2 }).toISO(),
            totals: [{ card_brand: 'girocard', sales_count: 1, sales_minor: -5 }],
          },
        ],
      },
      token
    )
    assert.equal(response.status, 422)
    const [unknown, bad, pan, future] = response.json.results
    assert.deepInclude(unknown.errors, {
      message: 'Unknown Terminal-ID',
      rule: 'exists',
      field: 'terminal_id',
    })
    assert.sameMembers(
      bad.errors.map((error: { field: string }) => error.field),
      ['closing_number', 'closed_at']
    )
    assert.equal(pan.errors[0].rule, 'card_number')
    assert.equal(pan.errors[0].field, 'note')
    assert.notInclude(response.text, PAN)
    assert.includeMembers(
      future.errors.map((error: { rule: string }) => error.rule),
      ['future', 'min']
    )
    assert.lengthOf(await db.from('closings'), 0)
  })

  test('needs the token and a closings array', async ({ assert }) => {
    const token = await issueToken()
    assert.equal((await post('closings', { closings: [] })).status, 401)
    const empty = await post('closings', { closings: [] }, token)
    assert.equal(empty.status, 422)
    assert.equal(empty.json.error, 'invalid_body')
    const tooMany = await post(
      'closings',
      { closings: Array.from({ length: 201 }, () => ({})) },
      token
    )
    assert.equal(tooMany.status, 413)
  })

  test('expected credit dates follow the cut-off and bank holidays', async ({ assert }) => {
    const token = await issueToken()
    const { terminals } = await createCustomer()
    const tid = terminals[0].terminalId
    /* Tuesday 23 Dec 2025, 22:30 Berlin: after the 22:00 cut-off, counts for the 24th;
       24 (bank holiday), 25, 26, 27 (Sat), 28 (Sun) are no bank business days: Monday 29 Dec */
    const response = await post(
      'closings',
      {
        closings: [
          {
            terminal_id: tid,
            closing_number: 1,
            closed_at: berlin('2025-12-23T22:30:00').toISO(),
            totals: [],
          },
        ],
      },
      token
    )
    assert.equal(response.status, 200, response.text)
    const [closing] = await closingsOf(tid)
    const day = (value: Date | string) =>
      value instanceof Date ? DateTime.fromJSDate(value).toISODate() : String(value).slice(0, 10)
    assert.equal(day(closing.business_date), '2025-12-24')
    assert.equal(day(closing.girocard_expected_on), '2025-12-29')
    /* weekly rhythm (default): the Monday after the week of the 24th, 29 Dec */
    assert.equal(day(closing.scheme_expected_on), '2025-12-29')
  })
})

test.group('Ingest API: payouts', (group) => {
  group.each.setup(() => resetState())

  async function closedTerminal(token: string) {
    const { customer, terminals } = await createCustomer()
    const tid = terminals[0].terminalId
    await transactionsAt(token, tid, [
      { minutesAgo: 60, amount: 10_000 },
      { minutesAgo: 50, amount: 5_000, brand: 'mastercard' },
    ])
    const closed = await post(
      'closings',
      {
        closings: [
          {
            terminal_id: tid,
            closing_number: 1,
            closed_at: at(10),
            totals: [
              { card_brand: 'girocard', sales_count: 1, sales_minor: 10_000 },
              { card_brand: 'mastercard', sales_count: 1, sales_minor: 5_000 },
            ],
          },
        ],
      },
      token
    )
    if (closed.status !== 200) throw new Error(closed.text)
    return { customer, tid }
  }

  const payout = (
    customerNumber: string,
    tid: string,
    overrides: Record<string, unknown> = {}
  ) => ({
    reference: 'PO-2026-000123',
    customer_number: customerNumber,
    value_date: '2026-12-03',
    currency: 'EUR',
    kind: 'girocard',
    gross_minor: 10_000,
    fees_minor: 23,
    net_minor: 9_977,
    iban_last4: '3000',
    status: 'expected',
    fees: [{ card_brand: 'girocard', kind: 'transaction', amount_minor: 23 }],
    closings: [{ terminal_id: tid, closing_number: 1 }],
    ...overrides,
  })

  test('a payout is stored, matched with its closings, and moves from expected to paid', async ({
    assert,
  }) => {
    const token = await issueToken()
    const { customer, tid } = await closedTerminal(token)
    const created = await post(
      'payouts',
      { payouts: [payout(customer.customerNumber, tid)] },
      token
    )
    assert.equal(created.status, 200, created.text)
    assert.include(created.json.results[0], {
      status: 'created',
      expected_gross_minor: 10_000,
      difference_minor: 0,
      has_difference: false,
    })
    const again = await post('payouts', { payouts: [payout(customer.customerNumber, tid)] }, token)
    assert.equal(again.json.results[0].status, 'duplicate')
    const paid = await post(
      'payouts',
      { payouts: [payout(customer.customerNumber, tid, { status: 'paid' })] },
      token
    )
    assert.deepInclude(paid.json.results[0], { status: 'updated', payout_status: 'paid' })
    const back = await post(
      'payouts',
      { payouts: [payout(customer.customerNumber, tid, { status: 'expected' })] },
      token
    )
    assert.equal(back.status, 422)
    assert.equal(back.json.results[0].errors[0].rule, 'transition')
    const rows = await db.from('payouts')
    assert.lengthOf(rows, 1)
    assert.equal(rows[0].status, 'paid')
    assert.lengthOf(await db.from('payout_closings'), 1)
    assert.lengthOf(await db.from('payout_fees'), 1)
  })

  test('concurrent status updates: a payout reported back is never reported paid afterwards', async ({
    assert,
  }) => {
    const token = await issueToken()
    const { customer, tid } = await closedTerminal(token)
    const ingest = new PayoutIngest()
    for (let round = 0; round < 8; round++) {
      const reference = `PO-RACE-${round}`
      const base = payout(customer.customerNumber, tid, { reference })
      await ingest.ingest([base])
      /* both batches read `expected` before either writes */
      const [paid, returned] = await Promise.all([
        ingest.ingest([{ ...base, status: 'paid' }]),
        ingest.ingest([{ ...base, status: 'returned' }]),
      ])
      const row = await db.from('payouts').where('reference', reference).first()
      assert.equal(row.status, 'returned', `round ${round}`)
      assert.equal(returned.results[0].status, 'updated', `round ${round}`)
      /* „paid“ was either taken before the return or refused after it, never both lost */
      assert.oneOf(paid.results[0].status, ['updated', 'rejected'], `round ${round}`)
    }
    /* the same reference stored by two batches at once: the later status is kept, not dropped */
    const fresh = payout(customer.customerNumber, tid, { reference: 'PO-RACE-NEW' })
    const answers = await Promise.all([
      ingest.ingest([fresh]),
      ingest.ingest([{ ...fresh, status: 'paid' }]),
    ])
    const stored = await db.from('payouts').where('reference', 'PO-RACE-NEW').first()
    assert.equal(stored.status, 'paid', JSON.stringify(answers.map((a) => a.results[0])))
  })

  test('a payout whose gross does not match its closings stores the difference', async ({
    assert,
  }) => {
    const token = await issueToken()
    const { customer, tid } = await closedTerminal(token)
    const response = await post(
      'payouts',
      {
        payouts: [
          payout(customer.customerNumber, tid, {
            reference: 'PO-ALL-1',
            kind: 'all',
            gross_minor: 14_900,
            fees_minor: 100,
            net_minor: 14_800,
            fees: undefined,
          }),
        ],
      },
      token
    )
    assert.equal(response.status, 200, response.text)
    assert.include(response.json.results[0], {
      expected_gross_minor: 15_000,
      difference_minor: -100,
      has_difference: true,
    })
  })

  test('a payout sent again with its next status is taken on a server west of UTC too', async ({
    assert,
    cleanup,
  }) => {
    const token = await issueToken()
    const { customer, tid } = await closedTerminal(token)
    const ingest = new PayoutIngest()
    const base = payout(customer.customerNumber, tid, { reference: 'PO-TZ-1' })
    assert.equal((await ingest.ingest([base])).results[0].status, 'created')
    const zone = process.env.TZ
    cleanup(() => {
      if (zone === undefined) delete process.env.TZ
      else process.env.TZ = zone
    })
    process.env.TZ = 'America/New_York'
    const paid = await ingest.ingest([{ ...base, status: 'paid' }])
    assert.equal(paid.results[0].status, 'updated', JSON.stringify(paid.results[0]))
  })

  test('a second payout for a closing already credited is a difference, not a match', async ({
    assert,
  }) => {
    const token = await issueToken()
    const { customer, tid } = await closedTerminal(token)
    const send = async (overrides: Record<string, unknown>) => {
      const response = await post(
        'payouts',
        { payouts: [payout(customer.customerNumber, tid, overrides)] },
        token
      )
      assert.equal(response.status, 200, response.text)
      return response.json.results[0]
    }
    const first = await send({ reference: 'PO-GIRO-1' })
    assert.include(first, {
      expected_gross_minor: 10_000,
      difference_minor: 0,
      has_difference: false,
    })
    /* the same girocard part again: nothing left to credit, the whole amount is a difference */
    const second = await send({ reference: 'PO-GIRO-2' })
    assert.include(second, {
      expected_gross_minor: 0,
      difference_minor: 10_000,
      has_difference: true,
    })
    /* „all“ after the girocard part was credited: only the Mastercard part is expected */
    const all = await send({
      reference: 'PO-ALL-AFTER',
      kind: 'all',
      gross_minor: 15_000,
      fees_minor: 0,
      net_minor: 15_000,
      fees: undefined,
    })
    assert.include(all, {
      expected_gross_minor: 5_000,
      difference_minor: 10_000,
      has_difference: true,
    })
    const stored = await db.from('payouts').where('reference', 'PO-GIRO-2').first()
    assert.isTrue(Boolean(stored.has_difference))
    assert.equal(Number(stored.difference_minor), 10_000)

    /* a credit that came back (returned) no longer counts: the new one is a match again */
    await db
      .from('payouts')
      .whereIn('reference', ['PO-GIRO-1', 'PO-GIRO-2', 'PO-ALL-AFTER'])
      .update({
        status: 'returned',
      })
    const again = await send({ reference: 'PO-GIRO-3' })
    assert.include(again, {
      expected_gross_minor: 10_000,
      difference_minor: 0,
      has_difference: false,
    })
  })

  test('bad sums, unknown customer or closing, a conflict and a card number are refused', async ({
    assert,
  }) => {
    const token = await issueToken()
    const { customer, tid } = await closedTerminal(token)
    const number = customer.customerNumber
    await post('payouts', { payouts: [payout(number, tid)] }, token)
    const response = await post(
      'payouts',
      {
        payouts: [
          payout(number, tid, { reference: 'PO-SUM', net_minor: 9_999 }),
          payout(number, tid, {
            reference: 'PO-FEES',
            fees: [{ kind: 'disagio', amount_minor: 1 }],
          }),
          payout('99999999', tid, { reference: 'PO-CUST' }),
          payout(number, tid, {
            reference: 'PO-CLOSING',
            closings: [{ terminal_id: tid, closing_number: 99 }],
          }),
          payout(number, tid, { gross_minor: 20_000, net_minor: 19_977 }),
          payout(number, tid, { reference: `PO-${PAN}` }),
          /* the same closing twice would count its gross twice */
          payout(number, tid, {
            reference: 'PO-TWICE',
            closings: [
              { terminal_id: tid, closing_number: 1 },
              { terminal_id: tid, closing_number: 1 },
            ],
          }),
        ],
      },
      token
    )
    assert.equal(response.status, 422)
    const rules = response.json.results.map((result: any) => result.errors[0].rule)
    assert.deepEqual(rules, [
      'sum',
      'sum',
      'exists',
      'exists',
      'conflict',
      'card_number',
      'distinct',
    ])
    assert.equal(response.json.results[6].errors[0].field, 'closings')
    assert.equal(response.json.results[3].errors[0].field, 'closings.0')
    assert.notInclude(response.text, PAN)
    assert.lengthOf(await db.from('payouts'), 1)
  })
})
