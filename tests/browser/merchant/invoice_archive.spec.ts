import { test } from '@japa/runner'
import { readFile } from 'node:fs/promises'
import env from '#start/env'
import { resetState } from '#tests/helpers/db'
import { createMerchant } from '#tests/helpers/auth'
import { InvoiceIssuer } from '#services/invoices/invoice_issuer'
import { BillingPeriod } from '#services/invoices/billing_period'
import { DateTime } from 'luxon'
import { pdfText } from '../../functional/invoices/pdf_tools.js'

const baseUrl = () => `http://${env.get('HOST')}:${env.get('PORT')}`

test.group('Invoices in the browser (German)', (group) => {
  group.each.setup(() => resetState())

  test('the merchant opens „Rechnungsarchiv“ and downloads the newest invoice as a PDF', async ({
    assert,
    visit,
    browserContext,
  }) => {
    const m = await createMerchant({
      locale: 'de',
      customers: [{ companyName: 'Blumen Hoffmann e.K.', terminals: [{ monthlyFeeMinor: 2490 }] }],
    })
    const issuer = new InvoiceIssuer()
    const issued = []
    for (const monthsBack of [3, 2]) {
      const period = BillingPeriod.previous(DateTime.now().minus({ months: monthsBack - 1 }))
      const prepared = await issuer.prepare(m.customers[0].id, period)
      if (prepared.status !== 'ready') throw new Error('expected an invoice')
      issued.push(await issuer.finish(prepared.invoice))
    }
    const newest = issued[1]
    await browserContext.setExtraHTTPHeaders({ 'Accept-Language': 'de-DE,de;q=0.9' })

    const page = await visit('/login')
    await page.fill('#email', m.user.email)
    await page.fill('#password', m.password)
    await page.click('form[action="/login"] button[type="submit"]')
    await page.waitForURL(`${baseUrl()}/`)

    await page.click('#main-nav a[href="/invoices"]')
    await page.waitForURL(/\/invoices$/)
    assert.equal(await page.textContent('h1'), 'Rechnungsarchiv')
    const firstRow = await page.textContent('tbody tr:first-child')
    assert.include(firstRow, newest.number!)
    assert.include(firstRow, 'Ausgestellt')

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click(`tbody tr:first-child a[href="/invoices/${newest.id}/pdf"]`),
    ])
    assert.equal(download.suggestedFilename(), `Rechnung_${newest.number}.pdf`)
    const bytes = await readFile((await download.path())!)
    assert.equal(bytes.subarray(0, 5).toString(), '%PDF-')
    const text = await pdfText(bytes)
    assert.include(text, newest.number!)
    assert.include(text, 'Blumen Hoffmann e.K.')
  })
})
