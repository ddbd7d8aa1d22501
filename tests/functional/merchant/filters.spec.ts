import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { createMerchant, loginAs } from '#tests/helpers/auth'
import { addTransactions, rowIds, visibleText, type TxSpec } from './fixtures.js'

const zone = 'Europe/Berlin'
const daysAgo = (n: number, hour = 12) =>
  DateTime.now().setZone(zone).startOf('day').minus({ days: n }).set({ hour })

test.group('Merchant transaction filters', (group) => {
  group.each.setup(() => resetState())

  /* a known data set: each spec's filter-relevant fields, with its id */
  async function dataset() {
    const m = await createMerchant({ customers: [{ terminals: 2 }] })
    const [t1, t2] = m.terminals
    const specs1: TxSpec[] = [
      {
        occurredAt: daysAgo(0, 9),
        cardBrand: 'visa',
        amountMinor: 500,
        panLast4: '1111',
        receiptNumber: '000123',
      },
      {
        occurredAt: daysAgo(1),
        cardBrand: 'girocard',
        amountMinor: 2500,
        type: 'refund',
        panLast4: '2222',
      },
      {
        occurredAt: daysAgo(2),
        cardBrand: 'mastercard',
        amountMinor: 9999,
        status: 'declined',
        panLast4: '3333',
      },
      { occurredAt: daysAgo(6, 1), cardBrand: 'visa', amountMinor: 12000, panLast4: '4444' },
      { occurredAt: daysAgo(7), cardBrand: 'visa', amountMinor: 700, panLast4: '5555' },
      { occurredAt: daysAgo(40), cardBrand: 'amex', amountMinor: 800, panLast4: '6666' },
    ]
    const specs2: TxSpec[] = [
      {
        occurredAt: daysAgo(0, 8),
        cardBrand: 'visa',
        amountMinor: 1500,
        panLast4: '1111',
        receiptNumber: '4444',
      },
      {
        occurredAt: daysAgo(3),
        cardBrand: 'maestro',
        amountMinor: 1250,
        type: 'reversal',
        panLast4: '7777',
      },
    ]
    const ids1 = await addTransactions(t1, specs1)
    const ids2 = await addTransactions(t2, specs2)
    const all = [
      ...specs1.map((s, i) => ({ ...s, id: ids1[i], tid: t1.terminalId })),
      ...specs2.map((s, i) => ({ ...s, id: ids2[i], tid: t2.terminalId })),
    ]
    const agent = new Agent()
    await loginAs(agent, m.user.email, m.password)
    return { m, t1, t2, all, agent }
  }

  test('each filter and the search return exactly the matching rows', async ({ assert }) => {
    const { t1, all, agent } = await dataset()
    const inLast7 = (s: TxSpec) => s.occurredAt! >= daysAgo(6, 0)
    const expect = (pred: (s: (typeof all)[number]) => boolean) => all.filter(pred).map((s) => s.id)
    const cases: [string, number[]][] = [
      ['', expect(inLast7)],
      [`terminal=${t1.terminalId}`, expect((s) => inLast7(s) && s.tid === t1.terminalId)],
      ['brand=visa', expect((s) => inLast7(s) && s.cardBrand === 'visa')],
      ['type=refund', expect((s) => inLast7(s) && s.type === 'refund')],
      ['status=declined', expect((s) => inLast7(s) && s.status === 'declined')],
      [
        'amount_min=12,50&amount_max=99.99',
        expect((s) => inLast7(s) && s.amountMinor! >= 1250 && s.amountMinor! <= 9999),
      ],
      ['q=1111', expect((s) => inLast7(s) && s.panLast4 === '1111')],
      /* 4 digits match a receipt number too */
      [
        'q=4444',
        expect((s) => inLast7(s) && (s.panLast4 === '4444' || s.receiptNumber === '4444')),
      ],
      ['q=000123', expect((s) => s.receiptNumber === '000123')],
      [
        `from=${daysAgo(45).toISODate()}&to=${daysAgo(7).toISODate()}`,
        expect((s) => s.occurredAt! < daysAgo(6, 0)),
      ],
      [
        `from=${daysAgo(2).toISODate()}&to=${daysAgo(2).toISODate()}&brand=mastercard&status=declined`,
        expect((s) => s.amountMinor === 9999),
      ],
    ]
    for (const [query, expected] of cases) {
      const page = await agent.get(`/transactions?${query}`)
      assert.equal(page.status, 200, query)
      assert.sameMembers(rowIds(page.text), expected, query)
      assert.isAbove(expected.length, 0, `case ${query} must match something`)
      const csv = await agent.get(`/transactions.csv?${query}`)
      assert.equal(csv.text.trim().split('\n').length - 1, expected.length, `csv ${query}`)
    }
  })

  test('the period defaults to the last 7 days and the filter stays in the URL', async ({
    assert,
  }) => {
    const { agent } = await dataset()
    const page = await agent.get('/transactions?brand=visa')
    assert.include(page.text, `value="${daysAgo(6).toISODate()}"`)
    assert.include(page.text, `value="${daysAgo(0).toISODate()}"`)
    assert.match(page.text, /<option value="visa"\s+selected/)
    assert.match(page.text, /href="\/transactions\.csv\?from=[^"]*brand=visa/)
  })

  test('totals cover the filtered set: approved sales minus refunds and reversals', async ({
    assert,
  }) => {
    const { agent } = await dataset()
    const page = visibleText((await agent.get('/transactions')).text)
    /* last 7 days: 500 − 2500 (refund) + 12000 + 1500 − 1250 (reversal); the declined 9999 not */
    assert.include(page, 'Anzahl 6')
    assert.include(page, 'davon genehmigt 5')
    assert.include(page, '102,50 €')
  })

  test('invalid filters give a clear message, not an error page', async ({ assert }) => {
    const { agent } = await dataset()
    for (const query of [
      'from=2026-13-45',
      'terminal=12',
      'amount_min=abc',
      'brand=diners',
      'from=2026-11-20&to=2026-11-01',
    ]) {
      const page = await agent.get(`/transactions?${query}`)
      assert.equal(page.status, 422, query)
      assert.include(page.text, 'Bitte prüfen Sie die markierten Filter', query)
    }
  })

  test('English shows English formats', async ({ assert }) => {
    const m = await createMerchant({ locale: 'en' })
    await addTransactions(m.terminals[0], [
      { occurredAt: DateTime.fromISO('2026-11-26T14:05:00', { zone }), amountMinor: 123456 },
    ])
    const agent = new Agent({ 'accept-language': 'en' })
    await loginAs(agent, m.user.email, m.password)
    const page = visibleText((await agent.get('/transactions?from=2026-11-20&to=2026-11-26')).text)
    assert.include(page, '€1,234.56')
    assert.include(page, '26/11/2026 14:05')
  })

  test('German shows 1.234,56 € and 26.11.2026 14:05, the card as brand + •••• 1234', async ({
    assert,
  }) => {
    const m = await createMerchant()
    const [id] = await addTransactions(m.terminals[0], [
      {
        occurredAt: DateTime.fromISO('2026-11-26T14:05:00', { zone }),
        amountMinor: 123456,
        cardBrand: 'mastercard',
        panLast4: '1234',
      },
    ])
    const agent = new Agent()
    await loginAs(agent, m.user.email, m.password)
    const page = visibleText((await agent.get('/transactions?from=2026-11-26&to=2026-11-26')).text)
    assert.include(page, '1.234,56 €')
    assert.include(page, '26.11.2026 14:05')
    assert.include(page, 'Mastercard •••• 1234')
    const detail = visibleText((await agent.get(`/transactions/${id}`)).text)
    assert.include(detail, 'Mastercard •••• 1234')
    assert.include(detail, '1.234,56 €')
  })
})

test.group('Merchant transaction pagination', (group) => {
  group.each.setup(() => resetState())

  test('keyset pages: next and previous walk the whole set without gaps or repeats', async ({
    assert,
  }) => {
    const m = await createMerchant()
    /* 120 rows, some sharing a timestamp so the id breaks the tie */
    const base = DateTime.now().minus({ hours: 1 })
    const specs: TxSpec[] = Array.from({ length: 120 }, (_, i) => ({
      occurredAt: base.minus({ minutes: Math.floor(i / 3) }),
    }))
    const ids = await addTransactions(m.terminals[0], specs)
    const agent = new Agent()
    await loginAs(agent, m.user.email, m.password)

    const seen: number[][] = []
    let path: string | null = '/transactions'
    const links: string[] = []
    while (path) {
      const page = await agent.get(path)
      assert.equal(page.status, 200)
      seen.push(rowIds(page.text))
      links.push(path)
      const next = page.text.match(/href="([^"]+)" rel="next"/)
      path = next ? next[1].replaceAll('&amp;', '&') : null
      assert.notInclude(page.text, 'OFFSET')
    }
    assert.deepEqual(
      seen.map((p) => p.length),
      [50, 50, 20]
    )
    const flat = seen.flat()
    assert.lengthOf(new Set(flat), 120)
    /* newest first: by occurred_at desc, then id desc */
    const expected = ids
      .map((id, i) => ({ id, at: specs[i].occurredAt!.toMillis() }))
      .sort((a, b) => b.at - a.at || b.id - a.id)
      .map((r) => r.id)
    assert.deepEqual(flat, expected)

    /* previous from the last page gives the middle page again, and from there the first */
    const last = await agent.get(links[2])
    const prev = last.text.match(/href="([^"]+)" rel="prev"/)![1].replaceAll('&amp;', '&')
    const middle = await agent.get(prev)
    assert.deepEqual(rowIds(middle.text), seen[1])
    const prev2 = middle.text.match(/href="([^"]+)" rel="prev"/)![1].replaceAll('&amp;', '&')
    const first = await agent.get(prev2)
    assert.deepEqual(rowIds(first.text), seen[0])
    /* back at the top: the live feed is on again, no "newer" link */
    assert.include(first.text, 'data-live-url')
    assert.notInclude(first.text, 'rel="prev"')
    assert.notInclude(middle.text, 'data-live-url')
  })

  test('a forged cursor gives a 404 or an empty page, never an error', async ({ assert }) => {
    const m = await createMerchant()
    const agent = new Agent()
    await loginAs(agent, m.user.email, m.password)
    assert.equal((await agent.get('/transactions?after=xyz')).status, 422)
    assert.equal((await agent.get('/transactions?after=20261301000000-5')).status, 200)
  })
})
