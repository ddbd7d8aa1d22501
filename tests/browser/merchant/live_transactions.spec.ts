import { test } from '@japa/runner'
import { readFile } from 'node:fs/promises'
import { DateTime } from 'luxon'
import env from '#start/env'
import { resetState } from '#tests/helpers/db'
import { createMerchant } from '#tests/helpers/auth'
import { ApiTokenService } from '#services/ingest/api_token_service'
import { addTransactions } from '../../functional/merchant/fixtures.js'

const baseUrl = () => `http://${env.get('HOST')}:${env.get('PORT')}`

/** What the processing host does: POST /api/v1/transactions with its token. */
async function ingest(token: string, item: Record<string, unknown>) {
  const response = await fetch(`${baseUrl()}/api/v1/transactions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'authorization': `Bearer ${token}` },
    body: JSON.stringify({ transactions: [item] }),
  })
  if (response.status >= 300) throw new Error(`ingest: ${response.status} ${await response.text()}`)
}

const liveItem = (tid: string, receipt: string, amountMinor: number) => ({
  // letters between digit groups: a long digit run could pass Luhn and be refused as a card number
  reference: `LIVE-${receipt}-${Date.now().toString(36)}`,
  terminal_id: tid,
  occurred_at: DateTime.now().setZone('Europe/Berlin').toISO(),
  type: 'sale',
  status: 'approved',
  amount_minor: amountMinor,
  currency: 'EUR',
  card_brand: 'visa',
  pan_masked: '492942******4711',
  auth_code: 'B7',
  receipt_number: receipt,
})

test.group('Merchant in the browser (German)', (group) => {
  group.each.setup(() => resetState())

  test('log in, see the chart, filter by terminal, a new transaction appears live, download the CSV', async ({
    assert,
    visit,
    browserContext,
  }) => {
    const m = await createMerchant({ locale: 'de', customers: [{ terminals: 2 }] })
    const [t1, t2] = m.terminals
    await addTransactions(t1, [
      { occurredAt: DateTime.now().minus({ hours: 2 }), amountMinor: 4200, receiptNumber: 'OLD-1' },
      { occurredAt: DateTime.now().minus({ days: 3 }), amountMinor: 1500, cardBrand: 'visa' },
    ])
    await addTransactions(t2, [
      { occurredAt: DateTime.now().minus({ hours: 1 }), receiptNumber: 'T2-OLD' },
    ])
    const token = await ApiTokenService.issue('browser-test')
    await browserContext.setExtraHTTPHeaders({ 'Accept-Language': 'de-DE,de;q=0.9' })

    /* log in (German chosen with the visible switch, so downloads are German too) */
    const page = await visit('/login')
    await page.click('form.lang-switch button[value="de"]')
    await page.waitForURL(/\/login/)
    await page.fill('#email', m.user.email)
    await page.fill('#password', m.password)
    await page.click('form[action="/login"] button[type="submit"]')
    await page.waitForURL(`${baseUrl()}/`)
    assert.equal(await page.getAttribute('html', 'lang'), 'de')
    assert.equal(await page.textContent('h1'), 'Übersicht')

    /* the dashboard chart renders (chart.js from our origin, under the strict CSP) */
    await page.waitForSelector('#chart-daily[data-chart-ready="true"]', { timeout: 5000 })
    const box = await page.locator('#chart-daily').boundingBox()
    assert.isAbove(box?.width ?? 0, 100)
    assert.isAbove(box?.height ?? 0, 50)

    /* open transactions, filter by terminal 1 */
    await page.click('#main-nav a[href="/transactions"]')
    await page.waitForURL(/\/transactions$/)
    /* at a desk the filters are unfolded and their toggle is no tab stop */
    assert.equal(await page.getAttribute('.tx-filter__summary', 'tabindex'), '-1')
    assert.isTrue(
      await page.locator('details.tx-filter__box').evaluate((details: any) => details.open)
    )
    await page.selectOption('#f-terminal', t1.terminalId)
    await page.click('form[action="/transactions"] button[type="submit"]')
    await page.waitForURL(new RegExp(`terminal=${t1.terminalId}`))
    const text = await page.textContent('#transaction-rows')
    assert.include(text, 'OLD-1')
    assert.notInclude(text, 'T2-OLD')
    await page.waitForSelector('#transaction-rows[data-live-ready="true"]', { timeout: 5000 })

    /* a transaction through the ingest API appears at the top within 1 s, highlighted */
    const started = Date.now()
    await ingest(token, liveItem(t1.terminalId, 'LIVE-4711', 123456))
    const row = page.locator('#transaction-rows tr.is-new', { hasText: 'LIVE-4711' })
    await row.waitFor({ timeout: 1000 })
    const elapsed = Date.now() - started
    assert.isBelow(elapsed, 1000)
    const first = await page.textContent('#transaction-rows tr:first-child')
    assert.include(first, 'LIVE-4711')
    assert.include(first, '1.234,56')
    assert.include(first, 'Visa •••• 4711')
    assert.notInclude(await page.content(), '492942')

    /* one on the other terminal does not match the filter: it stays away */
    await ingest(token, liveItem(t2.terminalId, 'LIVE-T2', 999))
    await ingest(token, liveItem(t1.terminalId, 'LIVE-4712', 500))
    await page.locator('#transaction-rows tr', { hasText: 'LIVE-4712' }).waitFor({ timeout: 1000 })
    assert.notInclude(await page.textContent('#transaction-rows'), 'LIVE-T2')

    /* download the CSV of this filter */
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('a[href^="/transactions.csv"]'),
    ])
    assert.match(download.suggestedFilename(), /^transaktionen_.*\.csv$/)
    const bytes = await readFile((await download.path())!)
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf])
    const csv = bytes.subarray(3).toString('utf8')
    assert.match(csv, /^Datum;Kundennummer;Terminal-ID;/)
    assert.include(csv, 'LIVE-4711')
    assert.include(csv, '1234,56')
    assert.include(csv, 'OLD-1')
    assert.notInclude(csv, 'LIVE-T2')
    assert.notInclude(csv, 'T2-OLD')
    console.log(`live row after ${elapsed} ms`)
  })
})
