import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import env from '#start/env'
import { resetState } from '#tests/helpers/db'
import { smtpSink } from '#tests/helpers/services'
import { createMerchant } from '#tests/helpers/auth'
import { addTransactions } from '#tests/functional/merchant/fixtures'
import { triggerReports } from '#services/reports/report_scheduler'

const baseUrl = () => `http://${env.get('HOST')}:${env.get('PORT')}`

test.group('Reports by mail in the browser (German)', (group) => {
  group.each.setup(async () => {
    await resetState()
    smtpSink.clear()
  })

  test('the merchant subscribes to a weekly report and receives it', async ({
    assert,
    visit,
    browserContext,
  }) => {
    const m = await createMerchant({
      locale: 'de',
      customers: [{ companyName: 'Wochen Kiosk GmbH' }],
    })
    const number = m.customers[0].customerNumber
    await addTransactions(m.terminals[0], [
      {
        occurredAt: DateTime.fromISO('2026-05-28T11:00:00', { zone: 'Europe/Berlin' }),
        amountMinor: 2500,
        cardBrand: 'girocard',
      },
    ])
    await browserContext.setExtraHTTPHeaders({ 'Accept-Language': 'de-DE,de;q=0.9' })

    const page = await visit('/login')
    await page.fill('#email', m.user.email)
    await page.fill('#password', m.password)
    await page.click('form[action="/login"] button[type="submit"]')
    await page.waitForURL(`${baseUrl()}/`)

    await page.getByRole('link', { name: 'Berichte' }).click()
    await page.waitForURL(`${baseUrl()}/reports`)
    await page.getByRole('heading', { name: 'Berichte per E-Mail' }).waitFor()
    await page.getByLabel('Wöchentlich (Vorwoche, montags)').check()
    await page.getByRole('button', { name: `Speichern für ${number}` }).click()
    await page.getByText(`Ihre Berichte für ${number} sind gespeichert.`).waitFor()
    assert.isTrue(await page.getByLabel('Wöchentlich (Vorwoche, montags)').isChecked())
    assert.isFalse(await page.getByLabel('Täglich (Vortag)').isChecked())

    /* the 06:00 run of Monday, 1 June 2026 */
    await triggerReports('2026-06-01T06:00:00+02:00')
    const mail = await smtpSink.waitFor(
      (sunk) => (sunk.parsed.subject ?? '').startsWith('Wochenbericht'),
      20_000
    )
    assert.equal(mail.parsed.subject, `Wochenbericht 25.05.2026 – 31.05.2026 · ${number}`)
    const text = (mail.parsed.text ?? '').replace(/[\u00a0\u202f]/g, ' ')
    assert.include(text, 'Umsatz: 25,00 € aus 1 Transaktion.')
    assert.equal(mail.parsed.attachments[0].filename, 'transaktionen_2026-05-25_2026-05-31.csv')
    /* nothing daily: only the weekly report was ordered */
    await new Promise((resolve) => setTimeout(resolve, 1500))
    assert.lengthOf(smtpSink.mails, 1)
  })
})
