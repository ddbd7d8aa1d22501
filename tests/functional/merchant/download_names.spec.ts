import { test } from '@japa/runner'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { createMerchant, loginAs } from '#tests/helpers/auth'
import { InvoiceIssuer } from '#services/invoices/invoice_issuer'
import { testPeriod } from '#tests/functional/invoices/fixtures'

/* what the browser saves the file as: the Content-Disposition's file name */
async function savedAs(agent: Agent, path: string) {
  const response = await fetch(`${agent.baseUrl}${path}`, {
    headers: { cookie: [...agent.jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    redirect: 'manual',
  })
  await response.arrayBuffer()
  if (response.status !== 200) throw new Error(`${path} answered ${response.status}`)
  return /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1]
}

async function merchantWithInvoice(locale: string) {
  const merchant = await createMerchant({
    locale,
    customers: [{ terminals: [{ monthlyFeeMinor: 1990 }] }],
  })
  const issuer = new InvoiceIssuer()
  const prepared = await issuer.prepare(merchant.customers[0].id, testPeriod(2))
  if (prepared.status !== 'ready') throw new Error('expected an invoice')
  const invoice = await issuer.finish(prepared.invoice)
  const agent = new Agent()
  await loginAs(agent, merchant.user.email, merchant.password)
  return { invoice, agent }
}

test.group('Downloads / file names in the reader’s language', (group) => {
  group.each.setup(() => resetState())

  test('an English reader saves Invoice_…, Invoices_…, transactions_… and payouts.csv', async ({
    assert,
  }) => {
    const { invoice, agent } = await merchantWithInvoice('en')
    const year = invoice.period.slice(0, 4)
    assert.equal(
      await savedAs(agent, `/invoices/${invoice.id}/pdf`),
      `Invoice_${invoice.number}.pdf`
    )
    assert.equal(
      await savedAs(agent, `/invoices/${invoice.id}/xml`),
      `Invoice_${invoice.number}_XRechnung.xml`
    )
    assert.equal(await savedAs(agent, `/invoices.zip?year=${year}`), `Invoices_${year}.zip`)
    assert.equal(
      await savedAs(agent, `/invoices.zip?from=${invoice.period}&to=${invoice.period}`),
      `Invoices_${invoice.period}_${invoice.period}.zip`
    )
    assert.match(
      (await savedAs(agent, '/transactions.csv')) ?? '',
      /^transactions_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv$/
    )
    assert.equal(await savedAs(agent, '/payouts.csv'), 'payouts.csv')
  })

  test('a German reader saves Rechnung_…, Rechnungen_…, transaktionen_… and auszahlungen.csv', async ({
    assert,
  }) => {
    const { invoice, agent } = await merchantWithInvoice('de')
    const year = invoice.period.slice(0, 4)
    assert.equal(
      await savedAs(agent, `/invoices/${invoice.id}/pdf`),
      `Rechnung_${invoice.number}.pdf`
    )
    assert.equal(await savedAs(agent, `/invoices.zip?year=${year}`), `Rechnungen_${year}.zip`)
    assert.match(
      (await savedAs(agent, '/transactions.csv')) ?? '',
      /^transaktionen_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv$/
    )
    assert.equal(await savedAs(agent, '/payouts.csv'), 'auszahlungen.csv')
  })
})
