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
    /* issue 15: the fields show TT.MM.JJJJ (the URL keeps ISO); brand is a checkbox group */
    assert.include(page.text, `value="${daysAgo(6).toFormat('dd.MM.yyyy')}"`)
    assert.include(page.text, `value="${daysAgo(0).toFormat('dd.MM.yyyy')}"`)
    assert.match(page.text, /<input type="checkbox" name="brand" value="visa"\s+checked/)
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

  test('brand, type and status take several values, as repeated keys or as a list', async ({
    assert,
  }) => {
    const { all, agent } = await dataset()
    const inLast7 = (s: TxSpec) => s.occurredAt! >= daysAgo(6, 0)
    const expect = (pred: (s: (typeof all)[number]) => boolean) => all.filter(pred).map((s) => s.id)
    const visaOrGiro = expect(
      (s) => inLast7(s) && (s.cardBrand === 'visa' || s.cardBrand === 'girocard')
    )
    const cases: [string, number[]][] = [
      ['brand=visa&brand=girocard', visaOrGiro],
      ['brand%5B0%5D=visa&brand%5B1%5D=girocard', visaOrGiro],
      ['brand[]=visa&brand[]=girocard', visaOrGiro],
      [
        'type=refund&type=reversal',
        expect((s) => inLast7(s) && (s.type === 'refund' || s.type === 'reversal')),
      ],
      [
        'status=approved&status=declined&brand=mastercard&brand=maestro',
        expect((s) => inLast7(s) && ['mastercard', 'maestro'].includes(s.cardBrand!)),
      ],
    ]
    for (const [query, expected] of cases) {
      const page = await agent.get(`/transactions?${query}`)
      assert.equal(page.status, 200, query)
      assert.sameMembers(rowIds(page.text), expected, query)
      assert.isAtLeast(expected.length, 2, `case ${query} must match several`)
      const csv = await agent.get(`/transactions.csv?${query}`)
      assert.equal(csv.text.trim().split('\n').length - 1, expected.length, `csv ${query}`)
    }
    /* both boxes stay ticked, and the export link carries both */
    const page = await agent.get('/transactions?brand=visa&brand=girocard')
    assert.match(page.text, /name="brand" value="visa"\s+checked/)
    assert.match(page.text, /name="brand" value="girocard"\s+checked/)
    assert.notMatch(page.text, /name="brand" value="amex"\s+checked/)
    const exportUrl = page.text.match(/href="(\/transactions\.csv\?[^"]+)"/)![1]
    assert.include(exportUrl, 'visa')
    assert.include(exportUrl, 'girocard')
    const exported = await agent.get(exportUrl.replaceAll('&amp;', '&'))
    assert.equal(exported.text.trim().split('\n').length - 1, visaOrGiro.length)
    /* an unknown value in the list is refused with a message */
    const bad = await agent.get('/transactions?brand=visa&brand=diners')
    assert.equal(bad.status, 422)
    assert.include(visibleText(bad.text), 'Bitte wählen Sie einen der angebotenen Werte.')
  })

  test('date presets: today, yesterday, last 7 days, this and last month, custom', async ({
    assert,
  }) => {
    const { all, agent } = await dataset()
    const today = DateTime.now().setZone(zone).startOf('day')
    const between = (from: DateTime, to: DateTime) =>
      all
        .filter((s) => s.occurredAt! >= from && s.occurredAt! < to.plus({ days: 1 }))
        .map((s) => s.id)
    const lastMonth = today.minus({ months: 1 }).startOf('month')
    const cases: [string, number[], string][] = [
      ['today', between(today, today), 'Heute'],
      ['yesterday', between(today.minus({ days: 1 }), today.minus({ days: 1 })), 'Gestern'],
      ['last7', between(today.minus({ days: 6 }), today), 'Letzte 7 Tage'],
      ['this_month', between(today.startOf('month'), today), 'Dieser Monat'],
      ['last_month', between(lastMonth, lastMonth.endOf('month').startOf('day')), 'Letzter Monat'],
    ]
    for (const [preset, expected, label] of cases) {
      /* the (hidden) date fields are sent too; a named preset wins over them */
      const page = await agent.get(`/transactions?preset=${preset}&from=2000-01-01&to=2000-01-02`)
      assert.equal(page.status, 200, preset)
      assert.sameMembers(rowIds(page.text), expected, preset)
      assert.match(page.text, new RegExp(`name="preset" value="${preset}"\\s+checked`), preset)
      assert.include(visibleText(page.text), label)
      const csv = await agent.get(`/transactions.csv?preset=${preset}`)
      assert.equal(csv.text.trim().split('\n').length - 1, expected.length, `csv ${preset}`)
    }
    assert.isAbove(cases[0][1].length, 0)
    /* „frei“: the typed period, the custom choice ticked */
    const from = daysAgo(3)
    const custom = await agent.get(
      `/transactions?preset=custom&from=${from.toISODate()}&to=${from.toISODate()}`
    )
    assert.sameMembers(rowIds(custom.text), between(from.startOf('day'), from.startOf('day')))
    assert.match(custom.text, /name="preset" value="custom"\s+checked/)
    assert.include(custom.text, `value="${from.toFormat('dd.MM.yyyy')}"`)
    /* no preset and no dates: the last 7 days */
    const plain = await agent.get('/transactions')
    assert.match(plain.text, /name="preset" value="last7"\s+checked/)
  })

  test('dates typed as TT.MM.JJJJ come back as ISO in the URL', async ({ assert }) => {
    const { agent, m } = await dataset()
    const from = daysAgo(2)
    const typed = await agent.get(
      `/transactions?preset=custom&from=${from.toFormat('dd.MM.yyyy')}&to=${from.toFormat('d.M.yyyy')}&brand=mastercard`
    )
    assert.equal(typed.status, 302)
    const location = typed.location!
    assert.include(location, `from=${from.toISODate()}`)
    assert.include(location, `to=${from.toISODate()}`)
    assert.include(location, 'brand=mastercard')
    assert.include(location, `customer=${m.customers[0].customerNumber}`)
    const page = await agent.get(location)
    assert.equal(page.status, 200)
    assert.lengthOf(rowIds(page.text), 1)
    assert.include(page.text, `value="${from.toFormat('dd.MM.yyyy')}"`)
  })

  test("an impossible date gets a clear message in the user's language", async ({ assert }) => {
    const { agent } = await dataset()
    for (const [query, message] of [
      ['from=31.02.2026', '„Von“: Den 31.02.2026 gibt es nicht. Bitte prüfen Sie Tag und Monat.'],
      ['from=2026-02-31', '„Von“: Den 2026-02-31 gibt es nicht.'],
      ['to=6.%20Mai', '„Bis“: „6. Mai“ ist kein Datum. Bitte als TT.MM.JJJJ eingeben'],
      ['from=20.11.2026&to=01.11.2026', '„Bis“ darf nicht vor „Von“ liegen.'],
      ['amount_min=20&amount_max=10', '„Betrag bis“ darf nicht kleiner sein als „Betrag ab“.'],
    ]) {
      const page = await agent.get(`/transactions?${query}`)
      assert.equal(page.status, 422, query)
      const text = visibleText(page.text)
      assert.include(text, 'Bitte prüfen Sie die markierten Filter', query)
      assert.include(text, message, query)
      assert.notInclude(text, 'JJJJ-MM-TT', query)
    }
    /* the typed value is shown again, marked, with its message next to it */
    const page = await agent.get('/transactions?from=31.02.2026')
    assert.match(
      page.text,
      /id="f-from"[^>]*value="31\.02\.2026"[^>]*aria-describedby="f-date-hint f-from-error"[^>]*aria-invalid="true"/
    )

    const m = await createMerchant({ locale: 'en' })
    const english = new Agent({ 'accept-language': 'en' })
    await loginAs(english, m.user.email, m.password)
    const en = await english.get('/transactions?from=31/02/2026')
    assert.equal(en.status, 422)
    assert.include(
      visibleText(en.text),
      '“From”: 31/02/2026 does not exist. Please check the day and the month.'
    )
    const ok = await english.get('/transactions?preset=custom&from=06/05/2026&to=07/05/2026')
    assert.equal(ok.status, 302)
    assert.include(ok.location!, 'from=2026-05-06&to=2026-05-07')
    const shown = await english.get(ok.location!)
    assert.include(shown.text, 'value="06/05/2026"')
    assert.include(visibleText(shown.text), 'Date as DD/MM/YYYY')
  })

  test('the detail page leads back to the list with the whole filter', async ({ assert }) => {
    const { agent, all, t1 } = await dataset()
    const query = `preset=custom&from=${daysAgo(6).toISODate()}&to=${daysAgo(0).toISODate()}&terminal=${t1.terminalId}&brand=visa&brand=girocard&amount_min=1,00`
    const list = await agent.get(`/transactions?${query}`)
    assert.equal(list.status, 200)
    const ids = rowIds(list.text)
    assert.sameMembers(
      ids,
      all
        .filter(
          (s) =>
            s.tid === t1.terminalId &&
            s.occurredAt! >= daysAgo(6, 0) &&
            ['visa', 'girocard'].includes(s.cardBrand!) &&
            s.amountMinor! >= 100
        )
        .map((s) => s.id)
    )
    const detailHref = list.text
      .match(new RegExp(`href="(/transactions/${ids[0]}\\?[^"]+)"`))![1]
      .replaceAll('&amp;', '&')
    const detail = await agent.get(detailHref)
    assert.equal(detail.status, 200)
    const back = detail.text.match(/href="([^"]+)" id="back-to-list"/)![1].replaceAll('&amp;', '&')
    const again = await agent.get(back)
    assert.equal(again.status, 200)
    assert.deepEqual(rowIds(again.text), ids)
    assert.match(again.text, /name="brand" value="visa"\s+checked/)
    assert.match(again.text, /name="brand" value="girocard"\s+checked/)
    assert.include(again.text, 'value="1.00"')
    assert.match(again.text, new RegExp(`<option value="${t1.terminalId}"\\s+selected`))

    /* without a filter (from the dashboard) the way back is the plain list */
    const plain = await agent.get(`/transactions/${ids[0]}`)
    assert.match(plain.text, /href="\/transactions(\?[^"]*)?" id="back-to-list"/)
    /* a broken filter in the detail URL does not break the detail page */
    const broken = await agent.get(`/transactions/${ids[0]}?from=31.02.2026`)
    assert.equal(broken.status, 200)
    assert.match(broken.text, /href="\/transactions" id="back-to-list"/)
  })

  test("live rows of the list link to the detail with the filter, the dashboard's do not", async ({
    assert,
  }) => {
    const { agent } = await dataset()
    const withFilter = await agent.get(
      '/transactions/live?brand=visa&brand=girocard&since=0&keep=1'
    )
    assert.equal(withFilter.status, 200)
    assert.match(withFilter.text, /href="\/transactions\/\d+\?[^"]*visa[^"]*girocard/)
    const dashboard = await agent.get('/transactions/live?since=0')
    assert.equal(dashboard.status, 200)
    assert.match(dashboard.text, /href="\/transactions\/\d+"/)
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
    /* a URL with both cursors (not one the portal writes) is read in one direction: `after` */
    const afterOnly = new URLSearchParams(links[1].split('?')[1]).get('after')!
    const beforeToo = new URLSearchParams(prev2.split('?')[1]).get('before')!
    const both = await agent.get(`/transactions?after=${afterOnly}&before=${beforeToo}`)
    assert.equal(both.status, 200)
    assert.deepEqual(rowIds(both.text), seen[1])
    /* a detail opened from the middle page leads back to that page */
    const middleId = seen[1][0]
    const detailHref = middle.text
      .match(new RegExp(`href="(/transactions/${middleId}\\?[^"]+)"`))![1]
      .replaceAll('&amp;', '&')
    const detail = await agent.get(detailHref)
    const back = detail.text.match(/href="([^"]+)" id="back-to-list"/)![1].replaceAll('&amp;', '&')
    assert.deepEqual(rowIds((await agent.get(back)).text), seen[1])
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
