import { test } from '@japa/runner'
import env from '#start/env'
import User from '#models/user'
import { resetState } from '#tests/helpers/db'
import { smtpSink } from '#tests/helpers/services'
import { createCustomer, createMerchant, linkIn, mailTo, pathOf } from '#tests/helpers/auth'

const baseUrl = () => `http://${env.get('HOST')}:${env.get('PORT')}`
const PASSWORD = 'Frankfurter-Kranz-mit-Buttercreme-19'

test.group('Konto im Browser (Deutsch)', (group) => {
  group.each.setup(async () => {
    await resetState()
    smtpSink.clear()
  })

  test('Registrieren → Mail → Link → Anmelden → Abmelden', async ({
    assert,
    visit,
    browserContext,
  }) => {
    const { customer, terminals } = await createCustomer({ companyName: 'Café Krone' })
    await browserContext.setExtraHTTPHeaders({ 'Accept-Language': 'de-DE,de;q=0.9' })

    const page = await visit('/login')
    await page.click('a[href="/register"]')
    await page.waitForURL(/\/register$/)
    assert.equal(await page.textContent('h1'), 'Registrieren')
    await page.getByLabel('E-Mail-Adresse').fill('inhaber@cafe-krone.example')
    await page.getByLabel('Neues Passwort').fill(PASSWORD)
    await page.getByLabel('Passwort wiederholen').fill(PASSWORD)
    await page.getByLabel('Kundennummer (L-Debitor-Nummer)').fill(customer.customerNumber)
    await page.getByLabel('Terminal-ID').fill(terminals[0].terminalId)
    await page.check('#consent')
    await page.click('form[action="/register"] button[type="submit"]')
    await page.waitForURL(/\/register\/sent$/)
    assert.equal(await page.textContent('h1'), 'Bitte prüfen Sie Ihr Postfach')

    const mail = await mailTo(
      'inhaber@cafe-krone.example',
      'Bitte bestätigen Sie Ihre E-Mail-Adresse'
    )
    await page.goto(baseUrl() + pathOf(linkIn(mail, '/verify-email/')))
    await page.getByRole('button', { name: 'E-Mail-Adresse bestätigen' }).click()
    await page.waitForLoadState()
    assert.include(await page.textContent('main'), 'Ihr Zugang ist freigeschaltet')
    await page.click('main a[href="/login"]')

    await page.getByLabel('E-Mail-Adresse').fill('inhaber@cafe-krone.example')
    await page.getByLabel('Passwort').fill(PASSWORD)
    await page.click('form[action="/login"] button[type="submit"]')
    await page.waitForURL(`${baseUrl()}/`)

    await page.click('form.logout-form button[type="submit"]')
    await page.waitForURL(/\/login\?logged_out=1$/)
    assert.include(await page.textContent('main'), 'Sie wurden abgemeldet.')
    await page.goto(`${baseUrl()}/account`)
    await page.waitForURL(/\/login\?redirect=%2Faccount$/)
  })

  test('Passwort vergessen → Mail → neues Passwort → Anmelden', async ({
    assert,
    visit,
    browserContext,
  }) => {
    const { user, customers } = await createMerchant({ email: 'vergesslich@example.com' })
    await browserContext.setExtraHTTPHeaders({ 'Accept-Language': 'de-DE,de;q=0.9' })

    const page = await visit('/login')
    await page.click('a[href="/forgot-password"]')
    await page.waitForURL(/\/forgot-password$/)
    await page.getByLabel('E-Mail-Adresse').fill(user.email)
    await page.getByLabel('Kundennummer (L-Debitor-Nummer)').fill(customers[0].customerNumber)
    /* the self-hosted proof of work solves on load and fills the hidden "altcha" field */
    await page.waitForFunction(
      () => (globalThis as any).document.querySelector('input[name="altcha"]')?.value,
      undefined,
      { timeout: 30_000 }
    )
    await page.click('form[action="/forgot-password"] button[type="submit"]')
    await page.waitForURL(/\/forgot-password\/sent$/)
    assert.equal(await page.textContent('h1'), 'E-Mail unterwegs')

    const mail = await mailTo(user.email, 'Neues Passwort')
    await page.goto(baseUrl() + pathOf(linkIn(mail, '/reset-password/')))
    assert.equal(await page.textContent('h1'), 'Neues Passwort festlegen')
    await page.getByLabel('Neues Passwort').fill(PASSWORD)
    await page.getByLabel('Passwort wiederholen').fill(PASSWORD)
    await page.click('main form button[type="submit"]')
    await page.waitForURL(/\/login$/)
    assert.include(await page.textContent('main'), 'Ihr Passwort wurde geändert')

    await page.getByLabel('E-Mail-Adresse').fill(user.email)
    await page.getByLabel('Passwort').fill(PASSWORD)
    await page.click('form[action="/login"] button[type="submit"]')
    await page.waitForURL(`${baseUrl()}/`)
  })

  test('Kundennummer hinzufügen: both customer numbers on the account page', async ({
    assert,
    visit,
    browserContext,
  }) => {
    const first = await createMerchant({ customers: [{ companyName: 'Metzgerei Wagner' }] })
    const second = await createCustomer({ companyName: 'Imbiss Wagner am Bahnhof' })
    await browserContext.setExtraHTTPHeaders({ 'Accept-Language': 'de-DE,de;q=0.9' })

    const page = await visit('/login?redirect=%2Faccount')
    await page.getByLabel('E-Mail-Adresse').fill(first.user.email)
    await page.getByLabel('Passwort').fill(first.password)
    await page.click('form[action="/login"] button[type="submit"]')
    await page.waitForURL(/\/account$/)
    assert.equal(await page.textContent('h1'), 'Benutzerkonto')

    const form = page.locator('form[action="/account/customers"]')
    await form.getByLabel('Kundennummer (L-Debitor-Nummer)').fill(second.customer.customerNumber)
    await form.getByLabel('Terminal-ID').fill(second.terminals[0].terminalId)
    await form.locator('button[type="submit"]').click()
    await page.waitForURL(/\/account#customers$/)
    assert.include(await page.textContent('main'), 'Die Kundennummer wurde hinzugefügt.')
    const table = await page.textContent('#customers table')
    assert.include(table, first.customers[0].customerNumber)
    assert.include(table, 'Metzgerei Wagner')
    assert.include(table, second.customer.customerNumber)
    assert.include(table, 'Imbiss Wagner am Bahnhof')
    const user = await User.findOrFail(first.user.id)
    await user.load('customers')
    assert.lengthOf(user.customers, 2)
  })
})
