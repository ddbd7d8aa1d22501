import { test } from '@japa/runner'
import env from '#start/env'
import { resetState } from '#tests/helpers/db'
import { moneyMerchant } from '#tests/functional/merchant/money_fixtures'

/* amounts are formatted with a non-breaking space before the € */
const plain = (text: string | null) => (text ?? '').replace(/[\u00a0\u202f]/g, ' ')
const baseUrl = () => `http://${env.get('HOST')}:${env.get('PORT')}`

test.group('Payouts in the browser (German)', (group) => {
  group.each.setup(() => resetState())

  test('the merchant opens „Auszahlungen“, a payout, its closing and from there a transaction', async ({
    assert,
    visit,
    browserContext,
  }) => {
    const m = await moneyMerchant({ locale: 'de' })
    await browserContext.setExtraHTTPHeaders({ 'Accept-Language': 'de-DE,de;q=0.9' })

    const page = await visit('/login')
    await page.fill('#email', m.user.email)
    await page.fill('#password', m.password)
    await page.click('form[action="/login"] button[type="submit"]')
    await page.waitForURL(`${baseUrl()}/`)

    await page.click('#main-nav a[href="/payouts"]')
    await page.waitForURL(/\/payouts$/)
    assert.equal(await page.textContent('h1'), 'Auszahlungen')
    const row = plain(await page.textContent(`tr[data-payout="${m.payoutId}"]`))
    assert.include(row, '31,55 €')
    assert.include(row, 'gezahlt')

    await page.click(`tr[data-payout="${m.payoutId}"] a[href="/payouts/${m.payoutId}"]`)
    await page.waitForURL(new RegExp(`/payouts/${m.payoutId}$`))
    assert.equal(await page.textContent('h1'), 'Auszahlung =PO1')

    await page.click(`#payout-closings a[href="/closings/${m.closings.matching}"]`)
    await page.waitForURL(new RegExp(`/closings/${m.closings.matching}$`))
    assert.equal(await page.textContent('h1'), 'Kassenschnitt 1')
    assert.include(await page.textContent('#closing-brands'), 'Gemeldet')

    await page.click(`#transaction-rows a[href="/transactions/${m.transactions.closed}"]`)
    await page.waitForURL(new RegExp(`/transactions/${m.transactions.closed}$`))
    assert.equal(await page.textContent('h1'), 'Transaktion')
    assert.include(await page.textContent('main'), 'R-1')
    assert.include(await page.textContent('#transaction-closing'), 'Nr. 1 vom')
    assert.include(await page.textContent('#transaction-payouts'), '=PO1')
  })
})
