import { test } from '@japa/runner'
import type { Assert } from '@japa/assert'
import type { BrowserContext, Page } from 'playwright'
import { DateTime } from 'luxon'
import env from '#start/env'
import { resetState } from '#tests/helpers/db'
import { createMerchant } from '#tests/helpers/auth'
import { InvoiceIssuer } from '#services/invoices/invoice_issuer'
import { BillingPeriod } from '#services/invoices/billing_period'
import { addTransactions } from '../../functional/merchant/fixtures.js'

const baseUrl = () => `http://${env.get('HOST')}:${env.get('PORT')}`
const COMPANY = 'Bäckerei und Konditorei Sonnenschein am Marktplatz GmbH & Co. KG'

/** A German merchant with one long-named customer, two terminals, transactions and an invoice. */
async function merchantWithData() {
  const m = await createMerchant({
    locale: 'de',
    customers: [
      {
        companyName: COMPANY,
        terminals: [
          {
            model: 'Move/5000',
            street: 'Sehr lange Straßenbezeichnung 123',
            city: 'Mönchengladbach',
          },
          { model: 'Desk/3500', status: 'blocked' },
        ],
      },
    ],
  })
  await addTransactions(m.terminals[0], [
    { occurredAt: DateTime.now().minus({ minutes: 5 }), amountMinor: 123456 },
    { occurredAt: DateTime.now().minus({ minutes: 9 }), amountMinor: 990, cardBrand: 'visa' },
  ])
  const issuer = new InvoiceIssuer()
  const prepared = await issuer.prepare(m.customers[0].id, BillingPeriod.previous(DateTime.now()))
  if (prepared.status !== 'ready') throw new Error('expected an invoice')
  const invoice = await issuer.finish(prepared.invoice)
  return { m, invoice }
}

/** Logs in at 390 × 844 in German; returns the page and the checks every page gets. */
async function phoneSession(
  assert: Assert,
  visit: (url: string) => Promise<Page>,
  browserContext: BrowserContext,
  m: Awaited<ReturnType<typeof createMerchant>>
) {
  await browserContext.setExtraHTTPHeaders({ 'Accept-Language': 'de-DE,de;q=0.9' })
  const page = await visit('/login')
  await page.setViewportSize({ width: 390, height: 844 })
  await page.fill('#email', m.user.email)
  await page.fill('#password', m.password)
  await page.click('form[action="/login"] button[type="submit"]')
  await page.waitForURL(`${baseUrl()}/`)

  const fits = () =>
    page.evaluate(() => {
      const doc = (globalThis as any).document.documentElement
      return { scroll: doc.scrollWidth as number, inner: (globalThis as any).innerWidth as number }
    })
  /* Tab from the top of the page until `selector` has the focus */
  const reachByTab = async (selector: string) => {
    await page.evaluate(() => (globalThis as any).document.activeElement?.blur())
    for (let i = 0; i < 120; i++) {
      await page.keyboard.press('Tab')
      const there = await page.evaluate(
        (s) => (globalThis as any).document.activeElement?.matches(s) === true,
        selector
      )
      if (there) return true
    }
    return false
  }
  /* no sideways scrolling, the company in view in the header, the targets reachable by Tab */
  const check = async (name: string, targets: string[]) => {
    await page.screenshot({ path: `tmp/merchant-phone-${name}.png`, fullPage: true })
    const { scroll, inner } = await fits()
    assert.isAtMost(scroll, inner, `${name}: no sideways scrolling`)
    const inView = await page.textContent('#company-in-view', { timeout: 2000 }).catch(() => '')
    assert.include(inView, COMPANY, `${name}: company in the header`)
    assert.include(
      inView,
      `Kundennummer ${m.customers[0].customerNumber}`,
      `${name}: customer number in the header`
    )
    for (const target of targets) {
      assert.isTrue(await reachByTab(target), `${name}: ${target} reachable by Tab`)
    }
  }
  return { page, fits, reachByTab, check }
}

test.group('Merchant pages on a phone (390 × 844, German), by keyboard', (group) => {
  group.each.setup(() => resetState())

  test('dashboard, terminals, invoices and master data fit the screen, name the company and are reachable by Tab', async ({
    assert,
    visit,
    browserContext,
  }) => {
    const { m, invoice } = await merchantWithData()
    const { page, fits, reachByTab, check } = await phoneSession(assert, visit, browserContext, m)

    await page.waitForSelector('#chart-daily[data-chart-ready="true"]')
    await check('dashboard', [
      '[data-nav-toggle]',
      'a[href="/transactions"]:not(#main-nav a)',
      'a[href="/invoices"]:not(#main-nav a)',
      `a[href="/terminals/${m.terminals[0].terminalId}"]`,
    ])
    const chart = await page.evaluate(() => {
      const canvas = (globalThis as any).document.getElementById('chart-daily')
      return canvas.getBoundingClientRect().right as number
    })
    assert.isAtMost(chart, 390, 'the chart fits')

    /* the menu opens from its toggle by keyboard */
    await page.focus('[data-nav-toggle]')
    await page.keyboard.press('Enter')
    assert.equal(await page.getAttribute('[data-nav-toggle]', 'aria-expanded'), 'true')
    assert.isTrue(await reachByTab('#main-nav a[href="/terminals"]'), 'menu link by Tab')
    await page.keyboard.press('Enter')
    await page.waitForURL(/\/terminals$/)
    await check('terminals', [
      '#terminal-q',
      '#terminal-sort',
      '#terminal-dir',
      '.terminal-search button[type="submit"]',
      `a[href="/terminals/${m.terminals[0].terminalId}"]`,
    ])
    /* a card per terminal: its label and values side by side, not a wide table */
    const card = await page.textContent(
      `tbody tr:has(a[href="/terminals/${m.terminals[0].terminalId}"])`
    )
    assert.include(card, 'Mönchengladbach')
    assert.include(
      await page.evaluate(
        () =>
          (globalThis as any).getComputedStyle(
            (globalThis as any).document.querySelector('.terminals-table tbody tr')
          ).display
      ),
      'block'
    )
    /* search by keyboard */
    await page.focus('#terminal-q')
    await page.keyboard.type('Desk')
    await page.keyboard.press('Enter')
    await page.waitForURL(/\/terminals\?q=Desk/)
    assert.include(await page.textContent('.terminal-count'), '1 Terminal passt zu „Desk“.')
    assert.isAtMost((await fits()).scroll, 390, 'search result fits')

    await page.goto('/invoices')
    await check('invoices', [
      `a[href="/invoices/${invoice.id}/pdf"]`,
      `a[href="/invoices/${invoice.id}/xml"]`,
    ])
    const month = new Intl.DateTimeFormat('de-DE', { month: 'long', year: 'numeric' }).format(
      new Date(
        Date.UTC(Number(invoice.period.slice(0, 4)), Number(invoice.period.slice(5)) - 1, 15)
      )
    )
    assert.include(await page.textContent('tbody tr:first-child'), month)

    await page.goto('/customer')
    await check('customer', ['a[href="/changes"]'])

    /* the narrowest phones: 360 px */
    await page.setViewportSize({ width: 360, height: 740 })
    for (const path of ['/', '/terminals', '/invoices', '/customer']) {
      await page.goto(path)
      assert.isAtMost((await fits()).scroll, 360, `${path} at 360 px`)
    }
  })

  test('the account page fits the screen, names the company and is reachable by Tab', async ({
    assert,
    visit,
    browserContext,
  }) => {
    const { m } = await merchantWithData()
    const { page, check } = await phoneSession(assert, visit, browserContext, m)
    await page.goto('/account')
    await check('account', ['#full_name', '#locale', 'form[action="/logout"] button'])
  })

  test('without JavaScript the menu is shown on a phone, every link reachable', async ({
    assert,
    browserContext,
  }) => {
    const { m } = await merchantWithData()
    const context = await browserContext.browser()!.newContext({
      baseURL: baseUrl(),
      javaScriptEnabled: false,
      viewport: { width: 390, height: 844 },
      extraHTTPHeaders: { 'Accept-Language': 'de-DE,de;q=0.9' },
    })
    try {
      const page = await context.newPage()
      await page.goto('/login')
      await page.fill('#email', m.user.email)
      await page.fill('#password', m.password)
      await page.click('form[action="/login"] button[type="submit"]')
      await page.waitForURL(`${baseUrl()}/`)
      /* no button that needs a script; the links themselves are on screen */
      assert.isFalse(await page.isVisible('[data-nav-toggle]'))
      assert.isTrue(await page.isVisible('.main-nav a[href="/transactions"]'))
      await page.click('.main-nav a[href="/transactions"]')
      await page.waitForURL(`${baseUrl()}/transactions`)
    } finally {
      await context.close()
    }
  })
})
