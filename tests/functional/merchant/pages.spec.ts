import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { createMerchant, loginAs } from '#tests/helpers/auth'
import { addTransactions, mainOf, rowIds, visibleText } from './fixtures.js'

const zone = 'Europe/Berlin'

test.group('Merchant dashboard, master data, terminals', (group) => {
  group.each.setup(() => resetState())

  test('the dashboard shows today, this month, chart data, latest 10, invoice and terminals', async ({
    assert,
  }) => {
    const m = await createMerchant({
      customers: [{ terminals: [{ status: 'active', city: 'Bonn' }, { status: 'blocked' }] }],
    })
    const now = DateTime.now().setZone(zone)
    /* keep "today" inside today even right after midnight */
    const todayAt = (minutesAgo: number) =>
      DateTime.max(now.minus({ minutes: minutesAgo }), now.startOf('day'))
    const ids = await addTransactions(m.terminals[0], [
      { occurredAt: todayAt(1), amountMinor: 10000, cardBrand: 'visa' },
      { occurredAt: todayAt(2), amountMinor: 2500, cardBrand: 'girocard' },
      { occurredAt: todayAt(3), amountMinor: 1000, type: 'refund' },
      { occurredAt: todayAt(4), amountMinor: 99900, status: 'declined' },
      ...Array.from({ length: 10 }, (_, i) => ({
        occurredAt: now.minus({ days: 40, minutes: i }),
        amountMinor: 100,
      })),
    ])
    await addOctoberInvoice(m.customers[0].id, '2026-000042')
    const agent = new Agent()
    await loginAs(agent, m.user.email, m.password)
    const page = await agent.get('/')
    assert.equal(page.status, 200)
    const text = visibleText(page.text)
    /* today: 100 + 25 − 10 (refund); 3 approved */
    assert.match(page.text, /data-figure="today-turnover">115,00\s€/)
    assert.match(page.text, /data-figure="today-count">3</)
    /* latest 10: the four of today first, then six older ones */
    const latest = rowIds(page.text)
    assert.lengthOf(latest, 10)
    assert.deepEqual(latest.slice(0, 4), ids.slice(0, 4))
    /* chart data for the script, and the same figures as a table */
    const chart = JSON.parse(
      page.text
        .match(/data-chart="([^"]+)"/)![1]
        .replaceAll('&quot;', '"')
        .replaceAll('&amp;', '&')
    )
    assert.lengthOf(chart.days, 30)
    assert.equal(chart.days[29], now.toISODate())
    assert.equal(chart.turnover[29], 115)
    assert.include(text, `${now.toFormat('dd.MM.yyyy')} 115,00 €`)
    assert.include(text, 'Visa 1')
    assert.include(page.text, 'src="/vendor/chart.umd.min.js"')
    assert.include(text, 'Rechnung 2026-000042')
    assert.include(text, '11,90 €')
    assert.include(text, `${m.terminals[0].terminalId} Bonn Aktiv`)
    assert.include(text, `${m.terminals[1].terminalId}`)
    assert.include(text, 'Gesperrt')
  })

  test('chart.js is served from our own origin', async ({ assert }) => {
    const response = await new Agent().get('/vendor/chart.umd.min.js')
    assert.equal(response.status, 200)
    assert.match(response.headers.get('content-type') ?? '', /javascript/)
    assert.include(response.text, 'Chart')
  })

  test('master data shows the IBAN masked and how to request changes', async ({ assert }) => {
    const m = await createMerchant()
    await m.customers[0]
      .merge({ iban: 'DE89370400440532013000', vatId: 'DE123456789', phone: '0228 123' })
      .save()
    const agent = new Agent()
    await loginAs(agent, m.user.email, m.password)
    const page = await agent.get('/customer')
    const text = visibleText(mainOf(page.text))
    assert.include(text, m.customers[0].companyName)
    assert.include(text, m.customers[0].customerNumber)
    assert.include(text, 'DE123456789')
    assert.include(text, 'DE•• •••• •••• •••• 3000')
    assert.notInclude(page.text, 'DE89370400440532013000')
    /* an owner asks through the structured change requests (issue 17) */
    assert.include(page.text, 'href="/changes"')
  })

  test('terminal list and detail: model, serial, location, status, last transaction, turnover', async ({
    assert,
  }) => {
    const m = await createMerchant({
      customers: [{ terminals: [{ model: 'Move/5000', serialNumber: 'SN-77', city: 'Köln' }, {}] }],
    })
    const at = DateTime.now().setZone(zone).startOf('month').plus({ hours: 1 })
    const [newest] = await addTransactions(m.terminals[0], [
      { occurredAt: at.plus({ minutes: 5 }), amountMinor: 4200 },
      { occurredAt: at, amountMinor: 800 },
    ])
    const agent = new Agent()
    await loginAs(agent, m.user.email, m.password)
    const list = visibleText((await agent.get('/terminals')).text)
    assert.include(list, `${m.terminals[0].terminalId} Move/5000 SN-77`)
    assert.include(list, 'Köln')
    assert.include(list, at.plus({ minutes: 5 }).toFormat('dd.MM.yyyy HH:mm'))
    assert.include(list, 'noch keine')

    const detail = await agent.get(`/terminals/${m.terminals[0].terminalId}`)
    assert.equal(detail.status, 200)
    assert.equal(rowIds(detail.text)[0], newest)
    assert.include(visibleText(detail.text), 'Umsatz diesen Monat 50,00 €')
  })

  test('the header of every merchant page names the company and customer number in view', async ({
    assert,
  }) => {
    const m = await createMerchant({ customers: [{ companyName: 'Bäckerei Sonnenschein GmbH' }] })
    const agent = new Agent()
    await loginAs(agent, m.user.email, m.password)
    for (const path of ['/', '/transactions', '/terminals', '/customer', '/invoices']) {
      const header = visibleText(headerOf((await agent.get(path)).text))
      assert.include(header, 'Bäckerei Sonnenschein GmbH', path)
      assert.include(header, `Kundennummer ${m.customers[0].customerNumber}`, path)
    }
  })

  test('with several customers the header says "all customers" with their count, or the one chosen', async ({
    assert,
  }) => {
    const m = await createMerchant({
      locale: 'en',
      customers: [{ companyName: 'Alpha Kiosk' }, { companyName: 'Beta Bistro' }, {}],
    })
    const agent = new Agent()
    await loginAs(agent, m.user.email, m.password)
    const all = await agent.get('/terminals')
    assert.include(visibleText(headerOf(all.text)), 'All customers (3)')
    /* the switch names each company */
    assert.include(all.text, `${m.customers[0].customerNumber} – Alpha Kiosk`)
    assert.include(all.text, `${m.customers[1].customerNumber} – Beta Bistro`)
    /* the "all" view names each terminal's company */
    assert.include(visibleText(mainOf(all.text)), `${m.customers[1].customerNumber} · Beta Bistro`)

    const pinned = await agent.get(`/invoices?customer=${m.customers[1].customerNumber}`)
    const inView = visibleText(pinned.text.match(/id="company-in-view"[\s\S]*?<\/p>/)![0])
    assert.include(inView, 'Beta Bistro')
    assert.include(inView, `Customer number ${m.customers[1].customerNumber}`)
    assert.notInclude(inView, 'All customers')
  })

  test('invoice periods are month names: „Oktober 2026“ on the dashboard and in the archive', async ({
    assert,
  }) => {
    const m = await createMerchant()
    await addOctoberInvoice(m.customers[0].id, '2026-000043')
    const agent = new Agent()
    await loginAs(agent, m.user.email, m.password)
    assert.include(visibleText((await agent.get('/')).text), 'Zeitraum Oktober 2026')
    const archive = visibleText(mainOf((await agent.get('/invoices')).text))
    assert.include(archive, 'Oktober 2026 2026-000043')
    assert.notInclude(archive, ' 2026-10 ')

    await agent.post('/language', { locale: 'en', back: '/invoices' }, { csrfFrom: '/invoices' })
    const english = visibleText(mainOf((await agent.get('/invoices')).text))
    assert.include(english, 'October 2026 2026-000043')
  })
})

/** The page's header (brand, company in view, navigation, switch). */
function headerOf(html: string) {
  return html.match(/<header[\s\S]*?<\/header>/)?.[0] ?? ''
}

/** An issued invoice for October 2026 (the dashboard shows the newest; the archive lists it). */
async function addOctoberInvoice(customerId: number, number: string) {
  await db.table('invoices').insert({
    customer_id: customerId,
    number,
    kind: 'invoice',
    period: '2026-10',
    period_key: '2026-10',
    period_start: '2026-10-01',
    period_end: '2026-10-31',
    issue_date: '2026-11-01',
    net_minor: 1000,
    vat_minor: 190,
    gross_minor: 1190,
    status: 'issued',
    created_at: '2026-11-01 00:00:00',
    updated_at: '2026-11-01 00:00:00',
  })
}
