import { test } from '@japa/runner'
import { readFile } from 'node:fs/promises'
import env from '#start/env'
import { resetState } from '#tests/helpers/db'
import { smtpSink } from '#tests/helpers/services'
import { createMerchant, linkIn, mailTo, pathOf } from '#tests/helpers/auth'
import { readZip } from '#tests/functional/privacy/fixtures'

const baseUrl = () => `http://${env.get('HOST')}:${env.get('PORT')}`

test.group('Meine Daten im Browser (Deutsch)', (group) => {
  group.each.setup(async () => {
    await resetState()
    smtpSink.clear()
  })
  group.each.timeout(90_000)

  test('Meine Daten herunterladen → bereit → Link → README lesen', async ({
    assert,
    visit,
    browserContext,
  }) => {
    const { password } = await createMerchant({
      email: 'daten@browser.example',
      fullName: 'Dora Daten',
      locale: 'de',
      /* no customer of which she is the last owner: „Konto löschen“ shows its form */
      customers: [],
    })
    await browserContext.setExtraHTTPHeaders({ 'Accept-Language': 'de-DE,de;q=0.9' })
    const page = await visit('/login')
    await page.getByLabel('E-Mail-Adresse').fill('daten@browser.example')
    await page.getByLabel('Passwort').fill(password)
    await page.click('form[action="/login"] button[type="submit"]')
    await page.waitForURL(`${baseUrl()}/`)

    await page.goto(`${baseUrl()}/account`)
    await page.click('#privacy button[type="submit"]')
    await page.waitForURL(/\/account\/privacy/)
    assert.include(await page.textContent('main'), 'Ihre Daten werden zusammengestellt')

    /* meanwhile the merchant types in the form below; the status updates in place,
       without a reload that would take the focus and the typed text away */
    const initial = await page.getAttribute('[data-export-status]', 'data-export-status')
    await page.focus('#current_password')
    await page.keyboard.type('angefangen')
    await page.waitForFunction(
      () =>
        /* runs in the page */
        (globalThis as any).document
          .querySelector('[data-export-status]')
          ?.textContent?.includes('Bereit'),
      undefined,
      { timeout: 30_000 }
    )
    assert.equal(await page.inputValue('#current_password'), 'angefangen')
    assert.equal(
      await page.evaluate(() => (globalThis as any).document.activeElement?.id),
      'current_password'
    )
    /* announced to screen readers when it changed while the page was open */
    if (initial !== 'ready') assert.include(await page.textContent('#export-announce'), 'Bereit')

    const mail = await mailTo('daten@browser.example', 'Ihre Daten stehen zum Herunterladen bereit')
    const link = baseUrl() + pathOf(linkIn(mail, '/account/privacy/export/'))
    const downloading = page.waitForEvent('download')
    await page.goto(link).catch(() => {
      /* a download is no page: Chromium reports the navigation as aborted */
    })
    const download = await downloading
    assert.match(download.suggestedFilename(), /^meine-daten-\d{4}-\d{2}-\d{2}\.zip$/)
    const files = await readZip(await readFile((await download.path())!))
    const readme = files.get('README.txt')!
    assert.include(readme, 'Ihre Daten aus dem Kundenportal')
    assert.include(readme, 'profile.json / profile.csv')
    assert.include(readme, 'Nicht enthalten sind Geheimnisse')

    /* the link works once */
    await page.goto(link)
    assert.include(await page.textContent('main'), 'Dieser Link wurde bereits verwendet')
  })
})
