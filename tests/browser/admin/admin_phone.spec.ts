import { test } from '@japa/runner'
import { resetState } from '#tests/helpers/db'
import { createMerchant } from '#tests/helpers/auth'
import { createStaff, totpCode } from '#tests/helpers/staff'
import { TicketService } from '#services/admin/ticket_service'

test.group('Support admin on a phone, by keyboard', (group) => {
  group.each.setup(() => resetState())

  test('an agent signs in by keyboard and uses dashboard, ticket and user pages at 375 px without sideways scrolling', async ({
    assert,
    visit,
    browserContext,
  }) => {
    /* a long address and a long link: they must wrap, not widen the page */
    const merchant = await createMerchant({
      state: 'locked',
      email: 'buchhaltung.und.verwaltung.pizzeria-bella-napoli@gastronomie-beispiel.example',
    })
    const ticket = await TicketService.open({
      name: 'Erika Mustermann',
      email: merchant.user.email,
      customerNumber: merchant.customers[0].customerNumber,
      category: 'account_locked',
      message:
        'Bitte entsperren Sie meinen Zugang. '.repeat(20) +
        `Siehe https://portal.example/account/privacy?${'verweis='.repeat(20)}`,
      userId: null,
      locale: 'de',
    })
    const staff = await createStaff()
    await browserContext.setExtraHTTPHeaders({ 'Accept-Language': 'de-DE,de;q=0.9' })
    const page = await visit('/admin/login')
    await page.setViewportSize({ width: 375, height: 760 })

    /* keyboard only: focus, type, Tab, Enter */
    await page.focus('#email')
    await page.keyboard.type(staff.email)
    await page.keyboard.press('Tab')
    await page.keyboard.type(staff.password)
    await page.keyboard.press('Enter')
    await page.waitForURL(/\/admin\/login\/totp$/)
    /* the code field has autofocus; wait until the page has given it focus */
    await page.waitForLoadState('load')
    await page.focus('#code')
    await page.keyboard.type(await totpCode(staff.secret!))
    await page.keyboard.press('Enter')
    await page.waitForURL(/\/admin$/)

    const noSideways = async () =>
      page.evaluate(() => {
        const doc = (globalThis as any).document.documentElement
        return doc.scrollWidth <= doc.clientWidth + 1
      })
    assert.isTrue(await noSideways(), 'dashboard')

    /* the menu opens from its toggle on a phone */
    await page.click('[data-nav-toggle]')
    assert.equal(await page.getAttribute('[data-nav-toggle]', 'aria-expanded'), 'true')
    await page.click('#admin-nav a[href="/admin/tickets"]')
    await page.waitForURL(/\/admin\/tickets$/)
    assert.isTrue(await noSideways(), 'ticket list')

    await page.goto(`/admin/tickets/${ticket.id}`)
    assert.isTrue(await noSideways(), 'ticket detail')
    await page.screenshot({ path: 'tmp/e-phone-ticket.png', fullPage: true })
    await page.goto(`/admin/users/${merchant.user.id}`)
    await page.screenshot({ path: 'tmp/e-phone-user.png', fullPage: true })
    assert.isTrue(await noSideways(), 'user detail')

    /* the lock reason field and the unlock button are reachable by Tab */
    await page.focus('body')
    let reached = false
    for (let i = 0; i < 60 && !reached; i++) {
      await page.keyboard.press('Tab')
      reached = await page.evaluate(
        () => (globalThis as any).document.activeElement?.textContent?.trim() === 'Entsperren'
      )
    }
    assert.isTrue(reached, 'Entsperren reachable by keyboard')
  })
})
