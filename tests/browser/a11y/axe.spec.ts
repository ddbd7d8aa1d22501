import { test } from '@japa/runner'
import ChangeRequest from '#models/change_request'
import SavedReply from '#models/saved_reply'
import { DateTime } from 'luxon'
import { AxeBuilder } from '@axe-core/playwright'
import type { Page } from 'playwright'
import router from '@adonisjs/core/services/router'
import { resetState } from '#tests/helpers/db'
import { createStaff, totpCode } from '#tests/helpers/staff'
import { createMerchant } from '#tests/helpers/auth'
import { OneTimeTokenService } from '#services/account/one_time_token_service'
import { addTransactions } from '#tests/functional/merchant/fixtures'
import { TicketService } from '#services/admin/ticket_service'
import { InvoiceIssuer } from '#services/invoices/invoice_issuer'
import { BillingPeriod } from '#services/invoices/billing_period'
import { moneyMerchant } from '#tests/functional/merchant/money_fixtures'

/*
| axe-core (WCAG 2.0/2.1 A and AA rules) over every public, merchant and admin
| page in German and English. A serious or critical violation fails the test;
| the message lists each page with the rule ids and the elements they found.
*/
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']

type Finding = { page: string; id: string; impact: string; targets: string[] }

/** Serious and critical axe violations on the page as it is now. */
async function audit(page: Page, label: string): Promise<Finding[]> {
  await page.waitForLoadState('load')
  /* the dashboard draws its charts after load; give deferred scripts their turn */
  await page.waitForTimeout(150)
  const result = await new AxeBuilder({ page }).withTags(TAGS).analyze()
  return [
    ...result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({
        page: label,
        id: v.id,
        impact: v.impact!,
        targets: v.nodes.map((node) => node.target.join(' ')),
      })),
    ...(await structure(page, label)),
  ]
}

/**
 * What axe does not see: ids used twice (a label then names the wrong element —
 * the account page's new-password field once had none), form fields the browser
 * finds no label for, and keys shown as "translation missing".
 */
async function structure(page: Page, label: string): Promise<Finding[]> {
  const found = await page.evaluate(() => {
    /* runs in the page; the test code itself has no DOM types */
    const doc = (globalThis as any).document
    const ids = new Map<string, number>()
    for (const element of doc.querySelectorAll('[id]')) {
      ids.set(element.id, (ids.get(element.id) ?? 0) + 1)
    }
    const duplicates = [...ids].filter(([, count]) => count > 1).map(([id]) => `#${id}`)
    const fields = doc.querySelectorAll(
      'input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=reset]), select, textarea'
    )
    const unlabelled = [...fields]
      .filter(
        (field: any) =>
          !field.closest('altcha-widget') &&
          field.labels.length === 0 &&
          !field.getAttribute('aria-label') &&
          !field.getAttribute('aria-labelledby')
      )
      .map((field: any) => `${field.tagName.toLowerCase()}[name=${field.name}]`)
    const missing = (doc.body.textContent ?? '').match(/translation missing[^\n<]{0,80}/g) ?? []
    return { duplicates, unlabelled, missing }
  })
  const findings: Finding[] = []
  if (found.duplicates.length)
    findings.push({ page: label, id: 'duplicate-id', impact: 'serious', targets: found.duplicates })
  if (found.unlabelled.length)
    findings.push({ page: label, id: 'no-label', impact: 'serious', targets: found.unlabelled })
  if (found.missing.length)
    findings.push({ page: label, id: 'translation', impact: 'serious', targets: found.missing })
  return findings
}

function report(findings: Finding[]) {
  return findings
    .map((f) => `${f.page}: ${f.id} (${f.impact}) → ${f.targets.slice(0, 5).join(' | ')}`)
    .join('\n')
}

/** Whether a route name exists (the accessibility statement arrives with another change). */
function hasRoute(name: string) {
  return router.toJSON().root.some((route) => route.name === name)
}

async function merchantData(lang: 'de' | 'en') {
  /* the login switches to the user's own language: make it the one under test;
     closings (one with a difference, one terminal unclosed for 6 days) and a payout */
  const m = await moneyMerchant({
    locale: lang,
    companyName: 'Blumen Hoffmann e.K.',
    monthlyFeeMinor: 2490,
  })
  const terminal = m.terminals[0]
  const [transactionId] = await addTransactions(terminal, [
    { occurredAt: DateTime.now().minus({ minutes: 5 }), amountMinor: 1250, cardBrand: 'visa' },
    { occurredAt: DateTime.now().minus({ hours: 2 }), amountMinor: 4990, cardBrand: 'girocard' },
    {
      occurredAt: DateTime.now().minus({ days: 1 }),
      amountMinor: 800,
      cardBrand: 'mastercard',
      status: 'declined',
    },
  ])
  const issuer = new InvoiceIssuer()
  const prepared = await issuer.prepare(m.customers[0].id, BillingPeriod.previous(DateTime.now()))
  if (prepared.status !== 'ready') throw new Error('expected an invoice')
  await issuer.finish(prepared.invoice)
  const ticket = await TicketService.open({
    name: 'Erika Mustermann',
    email: m.user.email,
    customerNumber: m.customers[0].customerNumber,
    category: 'account_locked',
    message: 'Bitte entsperren Sie meinen Zugang.',
    userId: m.user.id,
    locale: 'de',
  })
  const staff = await createStaff({ role: 'admin', withTotp: false })
  const change = await ChangeRequest.create({
    reference: 'CR-2026-000001',
    customerId: m.customers[0].id,
    userId: m.user.id,
    kind: 'bank_account',
    payload: { iban: 'DE89370400440532013000', account_holder: 'Blumen Hoffmann e.K.' },
    status: 'pending',
  })
  await SavedReply.create({ title: 'Entsperrt', locale: lang, body: 'Ihr Zugang ist entsperrt.' })
  /* a co-user who joined by invitation: the admin's user page names how the link was proven */
  const { user: invited } = await createMerchant({
    email: `eingeladen-${lang}@example.com`,
    customers: [],
  })
  await invited
    .related('customers')
    .attach({ [m.customers[0].id]: { role: 'viewer', proven_by: 'invitation' } })
  return { m, terminal, transactionId, ticket, staff, change, invited }
}

for (const lang of ['de', 'en'] as const) {
  test.group(`Accessibility (axe-core, WCAG 2.1 AA): ${lang}`, (group) => {
    group.each.setup(() => resetState())

    test('public, merchant and admin pages have no serious or critical violations', async ({
      assert,
      visit,
      browserContext,
    }) => {
      const { m, terminal, transactionId, ticket, staff, change, invited } =
        await merchantData(lang)
      await browserContext.setExtraHTTPHeaders({
        'Accept-Language': lang === 'de' ? 'de-DE,de;q=0.9' : 'en-GB,en;q=0.9',
      })
      const findings: Finding[] = []
      const page = await visit('/login')
      assert.equal(await page.locator('html').getAttribute('lang'), lang)

      /* public pages */
      const publicPaths = [
        '/login',
        '/register',
        '/forgot-password',
        '/contact',
        '/impressum',
        '/datenschutz',
        '/agb',
        ...(hasRoute('legal.accessibility') ? ['/barrierefreiheit'] : []),
        /* a mailed link's confirmation page (the button that confirms) */
        `/account/email/confirm/${await OneTimeTokenService.issue(m.user, 'email_change', 'neu@a11y.example')}`,
        '/no-such-page',
      ]
      for (const path of publicPaths) {
        /* the page itself is audited, not an error page or a redirect in its place */
        const response = await page.goto(path)
        assert.equal(response?.status(), path === '/no-such-page' ? 404 : 200, path)
        findings.push(...(await audit(page, `${lang} ${path}`)))
      }

      /* a form with its error messages (wrong password) */
      await page.goto('/login')
      await page.fill('#email', m.user.email)
      await page.fill('#password', 'not-the-password')
      await page.click('form[action="/login"] button[type="submit"]')
      await page.waitForSelector('.alert--error, [aria-invalid="true"]')
      findings.push(...(await audit(page, `${lang} /login (wrong password)`)))

      /* merchant pages */
      await page.goto('/login')
      await page.fill('#email', m.user.email)
      await page.fill('#password', m.password)
      await page.click('form[action="/login"] button[type="submit"]')
      await page.waitForURL((url) => url.pathname === '/')
      assert.equal(await page.locator('html').getAttribute('lang'), lang)
      const merchantPaths = [
        '/',
        '/customer',
        '/terminals',
        `/terminals/${terminal.terminalId}`,
        '/transactions',
        `/transactions/${transactionId}`,
        '/invoices',
        '/closings',
        `/closings/${m.closings.mismatching}`,
        `/closings/${m.closings.matching}`,
        '/payouts',
        `/payouts/${m.payoutId}`,
        '/requests',
        '/requests/new',
        `/requests/${ticket.id}`,
        '/changes',
        '/changes/new?kind=bank_account',
        '/changes/new?kind=terminal_order',
        '/documents',
        '/reports',
        '/account',
        '/account/privacy',
      ]
      for (const path of merchantPaths) {
        const response = await page.goto(path)
        assert.equal(response?.status(), 200, path)
        assert.equal(new URL(page.url()).pathname, path.split('?')[0], `${path} stayed itself`)
        findings.push(...(await audit(page, `${lang} ${path}`)))
      }

      /* admin pages: password, second-factor enrolment and recovery codes, then (after a
         logout) password and TOTP, then the area */
      const adminLogin = async (check: boolean) => {
        await page.goto('/admin/login')
        if (check) findings.push(...(await audit(page, `${lang} /admin/login`)))
        await page.fill('#email', staff.email)
        await page.fill('#password', staff.password)
        await page.click('form[action="/admin/login"] button[type="submit"]')
      }
      await adminLogin(true)
      await page.waitForURL(/\/admin\/login\/enrol$/)
      findings.push(...(await audit(page, `${lang} /admin/login/enrol`)))
      staff.secret = (await page.locator('[data-secret]').getAttribute('data-secret'))!
      await page.fill('#code', await totpCode(staff.secret))
      await page.click('form[action="/admin/login/enrol"] button[type="submit"]')
      await page.waitForURL(/\/admin\/recovery-codes$/)
      findings.push(...(await audit(page, `${lang} /admin/recovery-codes`)))
      await page.click('form[action="/admin/logout"] button[type="submit"]')
      await page.waitForURL(/\/admin\/login/)
      await adminLogin(false)
      await page.waitForURL(/\/admin\/login\/totp$/)
      findings.push(...(await audit(page, `${lang} /admin/login/totp`)))
      await page.fill('#code', await totpCode(staff.secret))
      await page.click('form[action="/admin/login/totp"] button[type="submit"]')
      await page.waitForURL(/\/admin$/)
      assert.equal(await page.locator('html').getAttribute('lang'), lang)
      const adminPaths = [
        '/admin',
        '/admin/tickets',
        `/admin/tickets/${ticket.id}`,
        '/admin/users',
        `/admin/users/${m.user.id}`,
        `/admin/users/${m.user.id}/actions/lock`,
        `/admin/users/${invited.id}`,
        '/admin/customers',
        `/admin/customers/${m.customers[0].id}`,
        '/admin/terminals',
        `/admin/terminals/${terminal.id}`,
        '/admin/invoices',
        '/admin/jobs',
        '/admin/audit',
        '/admin/staff',
        '/admin/saved-replies',
        '/admin/saved-replies/new',
        `/admin/customers/${m.customers[0].id}/documents`,
        `/admin/users/${m.user.id}/erasure`,
        '/admin/changes',
        `/admin/changes/${change.id}`,
      ]
      for (const path of adminPaths) {
        const response = await page.goto(path)
        assert.equal(response?.status(), 200, path)
        findings.push(...(await audit(page, `${lang} ${path}`)))
      }

      assert.lengthOf(findings, 0, `axe found:\n${report(findings)}`)
    }).timeout(240_000)
  })
}
