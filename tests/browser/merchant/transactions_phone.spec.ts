import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import env from '#start/env'
import { resetState } from '#tests/helpers/db'
import { createMerchant } from '#tests/helpers/auth'
import { ApiTokenService } from '#services/ingest/api_token_service'
import { addTransactions } from '../../functional/merchant/fixtures.js'

const zone = 'Europe/Berlin'
const baseUrl = () => `http://${env.get('HOST')}:${env.get('PORT')}`
/** Text as read: the narrow and non-breaking spaces of the number formats as plain spaces. */
const plain = (text: string | null) => (text ?? '').replace(/[\u00a0\u202f]/g, ' ')

test.group('Transactions on a phone (German, 390×844)', (group) => {
  group.each.setup(() => resetState())

  test('filter with a typed date and two brands, open one, go back: the filter is kept, no sideways scrolling, all by keyboard', async ({
    assert,
    visit,
    browserContext,
  }) => {
    const m = await createMerchant({ locale: 'de', customers: [{ terminals: 2 }] })
    const [t1, t2] = m.terminals
    const now = DateTime.now().setZone(zone)
    await addTransactions(t1, [
      {
        occurredAt: now.minus({ minutes: 30 }),
        cardBrand: 'visa',
        amountMinor: 123456,
        panLast4: '4242',
        receiptNumber: 'VISA-NEW',
      },
      { occurredAt: now.minus({ days: 2 }), cardBrand: 'girocard', receiptNumber: 'GIRO-2' },
      { occurredAt: now.minus({ days: 1 }), cardBrand: 'amex', receiptNumber: 'AMEX-1' },
      { occurredAt: now.minus({ days: 20 }), cardBrand: 'visa', receiptNumber: 'VISA-OLD' },
    ])
    await addTransactions(t2, [
      { occurredAt: now.minus({ hours: 1 }), cardBrand: 'visa', receiptNumber: 'T2-VISA' },
    ])
    const token = await ApiTokenService.issue('phone-test')
    await browserContext.setExtraHTTPHeaders({ 'Accept-Language': 'de-DE,de;q=0.9' })

    const page = await visit('/login')
    await page.setViewportSize({ width: 390, height: 844 })
    await page.focus('#email')
    await page.keyboard.type(m.user.email)
    await page.keyboard.press('Tab')
    await page.keyboard.type(m.password)
    await page.keyboard.press('Enter')
    await page.waitForURL(`${baseUrl()}/`)

    const noSideways = async (where: string) => {
      const [scroll, inner] = await page.evaluate(() => {
        const g = globalThis as any
        return [g.document.documentElement.scrollWidth, g.innerWidth]
      })
      assert.isAtMost(scroll, inner, `${where}: scrollWidth ${scroll} > innerWidth ${inner}`)
    }
    const focused = () =>
      page.evaluate(() => {
        const el = (globalThis as any).document.activeElement
        return { id: el?.id ?? '', tag: el?.tagName ?? '', href: el?.getAttribute?.('href') ?? '' }
      })
    /** Tab until `done` says so (at most 80 presses); false when never reached. */
    const tabUntil = async (done: (f: Awaited<ReturnType<typeof focused>>) => boolean) => {
      for (let i = 0; i < 80; i++) {
        await page.keyboard.press('Tab')
        if (done(await focused())) return true
      }
      return false
    }

    await page.goto('/transactions')
    await noSideways('transaction list')
    /* on a phone the filters are folded away; the rows are cards */
    assert.isFalse(await page.isVisible('#f-terminal'))
    assert.equal(
      await page
        .locator('#transaction-rows tr')
        .first()
        .evaluate((tr) => (globalThis as any).getComputedStyle(tr).display),
      'flex'
    )
    await page.screenshot({ path: 'tmp/tx-phone-list.png', fullPage: true })

    /* unfold the filters by keyboard: Tab to the summary, Enter */
    await page.focus('body')
    assert.isTrue(
      await tabUntil((f) => f.tag === 'SUMMARY'),
      'the filter disclosure is reachable by Tab'
    )
    await page.keyboard.press('Enter')
    await page.locator('#f-terminal').waitFor({ state: 'visible' })
    /* „Frei wählen“ shows the two date fields; dates typed as TT.MM.JJJJ */
    assert.isFalse(await page.isVisible('#f-from'))
    await page.check('input[name="preset"][value="custom"]')
    await page.locator('#f-from').waitFor({ state: 'visible' })
    const from = now.minus({ days: 6 })
    await page.fill('#f-from', from.toFormat('dd.MM.yyyy'))
    await page.fill('#f-to', now.toFormat('dd.MM.yyyy'))
    await page.selectOption('#f-terminal', t1.terminalId)
    await page.check('input[name="brand"][value="visa"]')
    await page.check('input[name="brand"][value="girocard"]')
    await noSideways('unfolded filters')
    await page.screenshot({ path: 'tmp/tx-phone-filters.png', fullPage: true })
    /* the submit button is reachable by Tab (from the last checkbox), and Enter sends */
    await page.focus('input[name="brand"][value="girocard"]')
    assert.isTrue(await tabUntil((f) => f.id === 'filter-submit'), 'filter submit reachable by Tab')
    await page.keyboard.press('Enter')
    /* the URL carries ISO dates */
    await page.waitForURL(new RegExp(`from=${from.toISODate()}&to=${now.toISODate()}`))
    const listUrl = page.url()
    assert.include(listUrl, `terminal=${t1.terminalId}`)
    const rows = await page.textContent('#transaction-rows')
    assert.include(rows, 'VISA-NEW')
    assert.include(rows, 'GIRO-2')
    assert.notInclude(rows, 'AMEX-1')
    assert.notInclude(rows, 'VISA-OLD')
    assert.notInclude(rows, 'T2-VISA')
    /* the card: date, amount, brand with last 4, status, terminal */
    const card = plain(await page.textContent('#transaction-rows tr:first-child'))
    assert.include(card, '1.234,56 €')
    assert.include(card, 'Visa •••• 4242')
    assert.include(card, 'Genehmigt')
    assert.include(card, t1.terminalId)
    /* the small print is labelled on the card („Terminal-ID: …“) */
    const label = await page
      .locator('#transaction-rows tr:first-child td[data-label]', { hasText: t1.terminalId })
      .evaluate((td) => (globalThis as any).getComputedStyle(td, '::before').content)
    assert.equal(label, '"Terminal-ID: "')
    assert.include(await page.textContent('.tx-filter__state'), '2 weitere Filter')
    await noSideways('filtered list')

    /* a live transaction arrives as a card too */
    await page.waitForSelector('#transaction-rows[data-live-ready="true"]', { timeout: 5000 })
    const response = await fetch(`${baseUrl()}/api/v1/transactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'authorization': `Bearer ${token}` },
      body: JSON.stringify({
        transactions: [
          {
            reference: `LIVE-PHONE-${Date.now().toString(36)}`,
            terminal_id: t1.terminalId,
            occurred_at: DateTime.now().setZone(zone).toISO(),
            type: 'sale',
            status: 'approved',
            amount_minor: 98765,
            currency: 'EUR',
            card_brand: 'girocard',
            pan_masked: '672000******9876',
            auth_code: 'C1',
            receipt_number: 'LIVE-PHONE',
          },
        ],
      }),
    })
    assert.isBelow(response.status, 300)
    const live = page.locator('#transaction-rows tr.is-new', { hasText: 'LIVE-PHONE' })
    await live.waitFor({ timeout: 5000 })
    assert.equal(
      await live.evaluate((tr) => (globalThis as any).getComputedStyle(tr).display),
      'flex'
    )
    assert.include(plain(await live.textContent()), '987,65 €')
    /* announced to screen readers in a real plural form */
    assert.equal(await page.textContent('#live-status'), '1 neue Transaktion')
    /* its detail link keeps the filter too */
    assert.include(await live.locator('a').getAttribute('href'), 'brand')
    await noSideways('list with a live card')

    /* open one transaction by keyboard: Tab to a row link, Enter */
    await page.focus('#filter-submit')
    assert.isTrue(
      await tabUntil((f) => f.href.startsWith('/transactions/') && f.tag === 'A'),
      'a row link reachable by Tab'
    )
    await page.keyboard.press('Enter')
    await page.waitForURL(/\/transactions\/\d+\?/)
    assert.equal(await page.textContent('h1'), 'Transaktion')
    await noSideways('transaction detail')

    /* back: the same filter, the same rows */
    await page.click('#back-to-list')
    await page.waitForURL(/\/transactions\?/)
    const back = new URL(page.url())
    const before = new URL(listUrl)
    for (const key of ['from', 'to', 'terminal', 'customer'])
      assert.equal(back.searchParams.get(key), before.searchParams.get(key), key)
    assert.sameMembers(
      back.searchParams.getAll('brand[0]').concat(back.searchParams.getAll('brand[1]')),
      ['visa', 'girocard']
    )
    assert.isTrue(await page.isChecked('input[name="brand"][value="visa"]'))
    assert.isTrue(await page.isChecked('input[name="brand"][value="girocard"]'))
    assert.isFalse(await page.isChecked('input[name="brand"][value="amex"]'))
    assert.equal(await page.inputValue('#f-from'), from.toFormat('dd.MM.yyyy'))
    const again = await page.textContent('#transaction-rows')
    assert.include(again, 'VISA-NEW')
    assert.include(again, 'LIVE-PHONE')
    assert.notInclude(again, 'AMEX-1')
    await noSideways('list after going back')
  })

  test('at 360 px the card list and the unfolded filters fit without sideways scrolling', async ({
    assert,
    visit,
    browserContext,
  }) => {
    const m = await createMerchant({
      locale: 'de',
      customers: [{ terminals: 1 }, { terminals: 1 }],
    })
    await addTransactions(m.terminals[0], [
      {
        occurredAt: DateTime.now().minus({ hours: 1 }),
        cardBrand: 'amex',
        amountMinor: 99999999,
        receiptNumber: 'RCPT-000000000000',
        panLast4: '0005',
      },
    ])
    await browserContext.setExtraHTTPHeaders({ 'Accept-Language': 'de-DE,de;q=0.9' })
    const page = await visit('/login')
    await page.setViewportSize({ width: 360, height: 740 })
    await page.fill('#email', m.user.email)
    await page.fill('#password', m.password)
    await page.click('form[action="/login"] button[type="submit"]')
    await page.waitForURL(`${baseUrl()}/`)
    await page.goto('/transactions?customer=all')
    await page.click('.tx-filter__summary')
    await page.check('input[name="preset"][value="custom"]')
    const fits = await page.evaluate(() => {
      const g = globalThis as any
      return g.document.documentElement.scrollWidth <= g.innerWidth
    })
    assert.isTrue(fits)
    assert.include(plain(await page.textContent('#transaction-rows')), '999.999,99 €')
  })
})
