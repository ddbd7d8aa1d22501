import { test } from '@japa/runner'
import env from '#start/env'
import User from '#models/user'
import Ticket from '#models/ticket'
import { resetState } from '#tests/helpers/db'
import { smtpSink } from '#tests/helpers/services'
import { recipients } from '#demo/smtp_sink'
import { createMerchant } from '#tests/helpers/auth'
import { createStaff, totpCode } from '#tests/helpers/staff'

const baseUrl = () => `http://${env.get('HOST')}:${env.get('PORT')}`

test.group('Support in the browser (German)', (group) => {
  group.each.setup(() => resetState())

  test('a locked-out merchant writes via „Jetzt kontaktieren“, an agent with TOTP unlocks and replies, the merchant logs in', async ({
    assert,
    visit,
    browserContext,
  }) => {
    const merchant = await createMerchant({ locale: 'de', fullName: 'Erika Mustermann' })
    const agentAccount = await createStaff({ role: 'agent', fullName: 'Anna Agentin' })
    await browserContext.setExtraHTTPHeaders({ 'Accept-Language': 'de-DE,de;q=0.9' })

    /* 1. ten wrong passwords lock the account */
    const page = await visit('/login')
    for (let i = 0; i < 10; i++) {
      await page.fill('#email', merchant.user.email)
      await page.fill('#password', `falsches-Passwort-${i}`)
      await page.click('form[action="/login"] button[type="submit"]')
      await page.waitForLoadState('domcontentloaded')
    }
    assert.equal((await User.findOrFail(merchant.user.id)).state, 'locked')
    const lockMail = await smtpSink.waitFor(
      (m) => recipients(m).includes(merchant.user.email) && /gesperrt/i.test(m.parsed.subject ?? '')
    )
    assert.include(lockMail.parsed.text ?? '', '/contact')

    /* 2. „Jetzt kontaktieren“ from the login page */
    await page.goto(`${baseUrl()}/login`)
    await page.click('main a[href^="/contact"]')
    await page.waitForURL(/\/contact/)
    assert.equal(await page.textContent('h1'), 'Jetzt kontaktieren')
    await page.fill('#name', 'Erika Mustermann')
    await page.fill('#email', merchant.user.email)
    await page.fill('#customerNumber', merchant.customers[0].customerNumber)
    /* the link chose the category already */
    assert.equal(await page.inputValue('#category'), 'account_locked')
    await page.fill('#message', 'Ich habe mich ausgesperrt. Bitte entsperren Sie meinen Zugang.')
    /* the real-user check solves itself on load (tiny cost in tests) */
    await page.waitForSelector('altcha-widget input[name="altcha"]', {
      state: 'attached',
      timeout: 15_000,
    })
    await page.waitForFunction(
      () => {
        /* runs in the page; the test code itself has no DOM types */
        const field = (globalThis as any).document.querySelector(
          'altcha-widget input[name="altcha"]'
        )
        return Boolean(field?.value)
      },
      undefined,
      { timeout: 15_000 }
    )
    await page.click('form[action="/contact"] button[type="submit"]')
    await page.waitForURL(/\/contact\/sent$/)
    const reference = (await page.textContent('[data-ticket-reference]'))!.trim()
    assert.match(reference, /^T-\d{4}-\d{6}$/)
    const receipt = await smtpSink.waitFor(
      (m) =>
        recipients(m).includes(merchant.user.email) && (m.parsed.subject ?? '').includes(reference)
    )
    assert.include(receipt.parsed.text ?? '', reference)

    /* 3. the agent logs in with password and TOTP */
    const agentContext = await browserContext.browser()!.newContext({
      baseURL: baseUrl(),
      extraHTTPHeaders: { 'Accept-Language': 'de-DE,de;q=0.9' },
    })
    const admin = await agentContext.newPage()
    await admin.goto('/admin/login')
    await admin.fill('#email', agentAccount.email)
    await admin.fill('#password', agentAccount.password)
    await admin.click('form[action="/admin/login"] button[type="submit"]')
    await admin.waitForURL(/\/admin\/login\/totp$/)
    await admin.fill('#code', await totpCode(agentAccount.secret!))
    await admin.click('form[action="/admin/login/totp"] button[type="submit"]')
    await admin.waitForURL(/\/admin$/)
    assert.equal(await admin.textContent('h1'), 'Übersicht')

    /* 4. opens the ticket, unlocks (confirming the dialog), replies */
    await admin.click('#admin-nav a[href="/admin/tickets"]')
    await admin.waitForURL(/\/admin\/tickets$/)
    await admin.click(`text=${reference}`)
    await admin.waitForURL(/\/admin\/tickets\/\d+$/)
    assert.include(await admin.textContent('[data-ticket-account]'), 'Gesperrt')
    admin.once('dialog', (dialog) => dialog.accept())
    await admin.click('[data-ticket-account] button:has-text("Entsperren")')
    await admin.waitForSelector('.alert--success')
    assert.include(await admin.textContent('.alert--success'), 'Der Zugang ist entsperrt.')
    const unlocked = await User.findOrFail(merchant.user.id)
    assert.equal(unlocked.state, 'active')
    assert.equal(unlocked.failedLoginCount, 0)

    await admin.fill('#body', 'Ihr Zugang ist wieder entsperrt. Sie können sich jetzt anmelden.')
    await admin.click('button:has-text("Antwort senden")')
    await admin.waitForSelector('.alert--success')
    const ticket = await Ticket.findByOrFail('reference', reference)
    assert.equal(ticket.status, 'answered')
    await admin.screenshot({ path: 'tmp/e-admin-ticket.png', fullPage: true })

    /* 5. the merchant receives the reply and logs in */
    const reply = await smtpSink.waitFor(
      (m) =>
        recipients(m).includes(merchant.user.email) &&
        (m.parsed.subject ?? '') === `[${reference}] Antwort auf Ihre Anfrage`
    )
    assert.include(reply.parsed.text ?? '', 'Ihr Zugang ist wieder entsperrt.')
    await page.goto(`${baseUrl()}/login`)
    await page.fill('#email', merchant.user.email)
    await page.fill('#password', merchant.password)
    await page.click('form[action="/login"] button[type="submit"]')
    await page.waitForURL(`${baseUrl()}/`)
    assert.equal(await page.textContent('h1'), 'Übersicht')
    await agentContext.close()
  })
})
