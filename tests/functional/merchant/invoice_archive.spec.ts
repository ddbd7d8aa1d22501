import { test } from '@japa/runner'
import { readFile, writeFile } from 'node:fs/promises'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { createMerchant, loginAs } from '#tests/helpers/auth'
import type Invoice from '#models/invoice'
import type Customer from '#models/customer'
import { InvoiceIssuer } from '#services/invoices/invoice_issuer'
import { InvoiceStorage, sha256 } from '#services/invoices/invoice_storage'
import { testPeriod } from '#tests/functional/invoices/fixtures'
import { notFoundShape } from '#tests/functional/merchant/fixtures'

async function issue(customer: Customer, monthsBack = 2): Promise<Invoice> {
  const issuer = new InvoiceIssuer()
  const prepared = await issuer.prepare(customer.id, testPeriod(monthsBack))
  if (prepared.status !== 'ready') throw new Error('expected an invoice')
  return issuer.finish(prepared.invoice)
}

async function merchantWithInvoice() {
  const merchant = await createMerchant({ customers: [{ terminals: [{ monthlyFeeMinor: 1990 }] }] })
  const invoice = await issue(merchant.customers[0])
  const agent = new Agent()
  await loginAs(agent, merchant.user.email, merchant.password)
  return { merchant, invoice, agent }
}

test.group('Invoices / Rechnungsarchiv', (group) => {
  group.each.setup(() => resetState())

  test('the archive lists the invoices with number, amounts and downloads', async ({ assert }) => {
    const { merchant, invoice, agent } = await merchantWithInvoice()
    const older = await issue(merchant.customers[0], 3)
    const page = await agent.get('/invoices')
    assert.equal(page.status, 200)
    assert.include(page.text, 'Rechnungsarchiv')
    assert.include(page.text, invoice.number!)
    assert.include(page.text, older.number!)
    assert.isBelow(page.text.indexOf(invoice.period), page.text.indexOf(older.period))
    assert.match(page.text, /23,68\s€/) // 19,90 € + 19 % USt.
    assert.include(page.text, `/invoices/${invoice.id}/pdf`)
    assert.include(page.text, `/invoices/${invoice.id}/xml`)
    assert.equal(page.headers.get('cache-control'), 'no-store')
  })

  test('the year filter shows only that year', async ({ assert }) => {
    const { merchant, invoice, agent } = await merchantWithInvoice()
    const lastYear = await issue(merchant.customers[0], 14)
    const page = await agent.get(`/invoices?year=${lastYear.period.slice(0, 4)}`)
    assert.include(page.text, lastYear.number!)
    assert.notInclude(page.text, invoice.number!)
    assert.include(page.text, '<label for="invoice-year">')
  })

  test('"all years" shows every year; a malformed year goes back to the whole archive', async ({
    assert,
  }) => {
    const { invoice, agent } = await merchantWithInvoice()
    const all = await agent.get('/invoices?year=')
    assert.equal(all.status, 200)
    assert.include(all.text, invoice.number!)
    const refused = await agent.get('/invoices?year=20x6')
    assert.equal(refused.status, 302)
    assert.equal(refused.location, '/invoices')
    const back = await agent.get(refused.location!)
    assert.equal(back.status, 200)
    assert.include(back.text, 'Bitte wählen Sie ein Jahr aus der Liste.')
    assert.include(back.text, invoice.number!)
  })

  test('the PDF download is the archived file, as an attachment, never cached', async ({
    assert,
  }) => {
    const { invoice, agent } = await merchantWithInvoice()
    const response = await fetch(`${agent.baseUrl}/invoices/${invoice.id}/pdf`, {
      headers: { cookie: [...agent.jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    })
    assert.equal(response.status, 200)
    assert.equal(response.headers.get('content-type'), 'application/pdf')
    assert.equal(
      response.headers.get('content-disposition'),
      `attachment; filename="Rechnung_${invoice.number}.pdf"`
    )
    assert.equal(response.headers.get('cache-control'), 'no-store')
    const bytes = Buffer.from(await response.arrayBuffer())
    assert.equal(sha256(bytes), invoice.fileSha256)

    const xml = await agent.get(`/invoices/${invoice.id}/xml`)
    assert.equal(xml.status, 200)
    assert.equal(
      xml.headers.get('content-disposition'),
      `attachment; filename="Rechnung_${invoice.number}_XRechnung.xml"`
    )
    assert.include(xml.text, invoice.number!)
    assert.equal(sha256(Buffer.from(xml.text)), invoice.xmlSha256)
  })

  test("user A asking for B's invoice by id gets 404, like a missing one", async ({ assert }) => {
    const a = await merchantWithInvoice()
    const b = await createMerchant({ customers: [{ terminals: [{ monthlyFeeMinor: 999 }] }] })
    const theirs = await issue(b.customers[0])
    const missing = notFoundShape(await a.agent.get('/invoices/999999/pdf'))
    assert.equal(missing.status, 404)
    for (const path of [`/invoices/${theirs.id}/pdf`, `/invoices/${theirs.id}/xml`]) {
      const response = await a.agent.get(path)
      /* the same answer as for an invoice that does not exist: nothing tells it is there */
      assert.deepEqual(notFoundShape(response), missing, path)
      assert.notInclude(response.text, theirs.number!)
    }
    const page = await a.agent.get('/invoices')
    assert.notInclude(page.text, theirs.number!)
  })

  test('a file that no longer matches its SHA-256 is refused', async ({ assert }) => {
    const { invoice, agent } = await merchantWithInvoice()
    const path = new InvoiceStorage().resolve(invoice.filePath!)
    const original = await readFile(path)
    try {
      await writeFile(path, Buffer.concat([original, Buffer.from('%tampered')]))
      const response = await agent.get(`/invoices/${invoice.id}/pdf`)
      assert.equal(response.status, 503)
      assert.notEqual(response.headers.get('content-type'), 'application/pdf')
      assert.include(response.text, 'nicht verfügbar')
    } finally {
      await writeFile(path, original)
    }
  })

  test('a draft (not yet issued) invoice cannot be downloaded', async ({ assert }) => {
    const merchant = await createMerchant({
      customers: [{ terminals: [{ monthlyFeeMinor: 1990 }] }],
    })
    const prepared = await new InvoiceIssuer().prepare(merchant.customers[0].id, testPeriod())
    if (prepared.status !== 'ready') throw new Error('expected a draft')
    const agent = new Agent()
    await loginAs(agent, merchant.user.email, merchant.password)
    assert.equal((await agent.get(`/invoices/${prepared.invoice.id}/pdf`)).status, 404)
    assert.notInclude((await agent.get('/invoices')).text, prepared.invoice.number!)
  })

  test('a merchant who chose English sees the archive in English', async ({ assert }) => {
    const merchant = await createMerchant({
      locale: 'en',
      customers: [{ terminals: [{ monthlyFeeMinor: 1990 }] }],
    })
    const invoice = await issue(merchant.customers[0])
    const agent = new Agent()
    await loginAs(agent, merchant.user.email, merchant.password)
    const page = await agent.get('/invoices')
    assert.include(page.text, 'Invoice archive')
    assert.include(page.text, 'Issued')
    assert.include(page.text, '€23.68')
    assert.include(page.text, `Download invoice ${invoice.number} as PDF`)
  })

  test('without login the archive redirects to the login page', async ({ assert }) => {
    const response = await new Agent().get('/invoices')
    assert.equal(response.status, 302)
    assert.match(response.location ?? '', /^\/login/)
  })
})
