import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import type { Page } from 'playwright'
import env from '#start/env'
import { resetState } from '#tests/helpers/db'
import { smtpSink } from '#tests/helpers/services'
import { createMerchant, linkIn, mailTo, pathOf } from '#tests/helpers/auth'
import { ApiTokenService } from '#services/ingest/api_token_service'
import { addTransactions } from '../../functional/merchant/fixtures.js'

const baseUrl = () => `http://${env.get('HOST')}:${env.get('PORT')}`
const GERMAN = { 'Accept-Language': 'de-DE,de;q=0.9' }
const ACCOUNTANT_PASSWORD = 'Apfelstrudel-mit-Vanillesosse-42'
const VIEWER_PASSWORD = 'Kirschenmichel-aus-der-Pfalz-17'

/** What the processing host does: POST /api/v1/transactions with its token. */
async function ingest(token: string, tid: string, receipt: string) {
  const response = await fetch(`${baseUrl()}/api/v1/transactions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'authorization': `Bearer ${token}` },
    body: JSON.stringify({
      transactions: [
        {
          reference: `COUSER-${receipt}-${Date.now().toString(36)}`,
          terminal_id: tid,
          occurred_at: DateTime.now().setZone('Europe/Berlin').toISO(),
          type: 'sale',
          status: 'approved',
          amount_minor: 2350,
          currency: 'EUR',
          card_brand: 'visa',
          pan_masked: '492942******4711',
          auth_code: 'C1',
          receipt_number: receipt,
        },
      ],
    }),
  })
  if (response.status >= 300) throw new Error(`ingest: ${response.status} ${await response.text()}`)
}

async function login(page: Page, email: string, password: string) {
  await page.goto(`${baseUrl()}/login`)
  await page.fill('#email', email)
  await page.fill('#password', password)
  await page.click('form[action="/login"] button[type="submit"]')
  await page.waitForURL(`${baseUrl()}/`)
}

async function invite(page: Page, email: string, roleLabel: string) {
  await page.getByLabel('E-Mail-Adresse der eingeladenen Person').fill(email)
  await page.selectOption('#invite-role', { label: roleLabel })
  await page.click('button:has-text("Einladung senden")')
  await page.waitForSelector('.alert--success')
}

test.group('Mitbenutzer im Browser (Deutsch)', (group) => {
  group.each.setup(async () => {
    await resetState()
    smtpSink.clear()
  })

  test('Inhaber lädt Buchhaltung und Nur-Ansicht ein, beide nehmen an; entfernte Ansicht sieht nichts mehr', async ({
    assert,
    visit,
    browserContext,
  }) => {
    const owner = await createMerchant({
      email: 'inhaberin@baeckerei-sonne.example',
      locale: 'de',
      fullName: 'Ida Inhaberin',
      customers: [{ companyName: 'Baeckerei Sonne GmbH' }],
    })
    const [terminal] = owner.terminals
    await addTransactions(terminal, [
      { occurredAt: DateTime.now().minus({ hours: 1 }), receiptNumber: 'SONNE-ALT-1' },
    ])
    const token = await ApiTokenService.issue('co-users-browser-test')
    await browserContext.setExtraHTTPHeaders(GERMAN)

    /* 1. the owner invites an accountant and a viewer on „Benutzer“ */
    const ownerPage = await visit('/login')
    await login(ownerPage, owner.user.email, owner.password)
    await ownerPage.click('#main-nav a[href="/account/users"]')
    await ownerPage.waitForURL(/\/account\/users$/)
    assert.equal(await ownerPage.textContent('h1'), 'Benutzer')
    await invite(ownerPage, 'buchhaltung@baeckerei-sonne.example', 'Buchhaltung')
    assert.include(
      await ownerPage.textContent('.alert--success'),
      'Die Einladung an buchhaltung@baeckerei-sonne.example wurde versandt.'
    )
    await invite(ownerPage, 'aushilfe@baeckerei-sonne.example', 'Nur Ansicht')
    const pending = await ownerPage.textContent('table[data-invitations]')
    assert.include(pending, 'buchhaltung@baeckerei-sonne.example')
    assert.include(pending, 'aushilfe@baeckerei-sonne.example')

    /* 2. both accept through their mail's link, set name and password, and log in */
    const people = [
      {
        email: 'buchhaltung@baeckerei-sonne.example',
        name: 'Bernd Buchhalter',
        password: ACCOUNTANT_PASSWORD,
      },
      {
        email: 'aushilfe@baeckerei-sonne.example',
        name: 'Anna Aushilfe',
        password: VIEWER_PASSWORD,
      },
    ]
    const pages: Page[] = []
    for (const person of people) {
      const mail = await mailTo(person.email, 'Einladung zum Kundenportal für Baeckerei Sonne GmbH')
      assert.include(mail.parsed.text ?? '', 'Ida Inhaberin lädt Sie ein')
      const context = await browserContext.browser()!.newContext({
        baseURL: baseUrl(),
        extraHTTPHeaders: GERMAN,
      })
      const page = await context.newPage()
      await page.goto(baseUrl() + pathOf(linkIn(mail, '/invitation/')))
      assert.equal(await page.textContent('h1'), 'Einladung zum Kundenportal')
      await page.getByLabel('Ihr Name').fill(person.name)
      await page.getByLabel('Neues Passwort').fill(person.password)
      await page.getByLabel('Passwort wiederholen').fill(person.password)
      await page.click('button:has-text("Zugang einrichten")')
      await page.waitForURL(/\/login$/)
      assert.include(
        await page.textContent('.alert--success'),
        'Ihr Zugang ist eingerichtet. Melden Sie sich jetzt an.'
      )
      await login(page, person.email, person.password)
      assert.equal(await page.textContent('h1'), 'Übersicht')
      pages.push(page)
    }
    const [accountant, viewer] = pages

    /* the accountant has invoices and the export; the viewer neither */
    assert.equal(await accountant.locator('#main-nav a[href="/invoices"]').count(), 1)
    await accountant.click('#main-nav a[href="/transactions"]')
    await accountant.waitForURL(/\/transactions$/)
    assert.equal(await accountant.locator('a[href^="/transactions.csv"]').count(), 1)

    assert.equal(await viewer.locator('#main-nav a[href="/invoices"]').count(), 0)
    const invoices = await viewer.goto(`${baseUrl()}/invoices`)
    assert.equal(invoices?.status(), 404)
    assert.equal(await viewer.textContent('h1'), 'Seite nicht gefunden')
    const csv = await viewer.goto(`${baseUrl()}/transactions.csv`)
    assert.equal(csv?.status(), 404)
    await viewer.goto(`${baseUrl()}/transactions`)
    assert.include(await viewer.textContent('#transaction-rows'), 'SONNE-ALT-1')
    assert.equal(await viewer.locator('a[href^="/transactions.csv"]').count(), 0)

    /* both transaction pages are live */
    await accountant.waitForSelector('#transaction-rows[data-live-ready="true"]', { timeout: 5000 })
    await viewer.waitForSelector('#transaction-rows[data-live-ready="true"]', { timeout: 5000 })
    await ingest(token, terminal.terminalId, 'SONNE-LIVE-1')
    await viewer
      .locator('#transaction-rows tr', { hasText: 'SONNE-LIVE-1' })
      .waitFor({ timeout: 3000 })

    /* 3. the owner removes the viewer */
    await ownerPage.goto(`${baseUrl()}/account/users`)
    assert.include(await ownerPage.textContent('main'), 'Keine offenen Einladungen.')
    const row = ownerPage.locator('tr', { hasText: 'aushilfe@baeckerei-sonne.example' })
    await row.locator('button:has-text("Zugriff entfernen")').click()
    await ownerPage.waitForSelector('.alert--success')
    assert.include(await ownerPage.textContent('.alert--success'), 'Der Zugriff wurde entfernt.')
    assert.notInclude(await ownerPage.textContent('main'), 'aushilfe@baeckerei-sonne.example')

    /* the viewer's open page gets nothing more; the accountant's still does */
    await ingest(token, terminal.terminalId, 'SONNE-LIVE-2')
    await accountant
      .locator('#transaction-rows tr', { hasText: 'SONNE-LIVE-2' })
      .waitFor({ timeout: 3000 })
    await viewer.waitForTimeout(3000)
    assert.notInclude(await viewer.textContent('#transaction-rows'), 'SONNE-LIVE-2')

    /* …and the next navigation shows nothing of the customer */
    await viewer.click('#main-nav a[href="/transactions"]')
    await viewer.waitForLoadState('domcontentloaded')
    const after = await viewer.textContent('main')
    assert.notInclude(after, 'SONNE-ALT-1')
    assert.notInclude(after, 'SONNE-LIVE')
    assert.notInclude(await viewer.content(), 'Baeckerei Sonne GmbH')
    assert.notInclude(await viewer.content(), owner.customers[0].customerNumber)

    for (const page of pages) await page.context().close()
  })
})
