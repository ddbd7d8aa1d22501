import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import Invoice from '#models/invoice'
import InvoiceRunItem from '#models/invoice_run_item'
import AuditEvent from '#models/audit_event'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { createCustomer } from '#tests/helpers/auth'
import { createStaff, loginStaff } from '#tests/helpers/staff'
import { testPeriod, waitForRun, waitUntil } from '#tests/functional/invoices/fixtures'

async function staffAgent(role: 'agent' | 'admin') {
  const agent = new Agent()
  await loginStaff(agent, await createStaff({ role }))
  return agent
}

const now = () => DateTime.utc().toFormat('yyyy-MM-dd HH:mm:ss')

test.group('Invoices / admin invoice runs', (group) => {
  group.each.setup(() => resetState())

  test('a support admin starts a run for a closed month and sees its progress', async ({
    assert,
  }) => {
    const period = testPeriod()
    await createCustomer({ companyName: 'Kiosk Nord', terminals: [{ monthlyFeeMinor: 990 }] })
    await createCustomer({ terminals: [{ status: 'decommissioned' }] })
    const agent = await staffAgent('admin')

    const page = await agent.get('/admin/invoices')
    assert.equal(page.status, 200)
    assert.include(page.text, 'Rechnungsläufe')
    assert.include(page.text, '<label for="run-period">')

    const response = await agent.post(
      '/admin/invoices/runs',
      { period: period.key },
      { csrfFrom: '/admin/invoices' }
    )
    assert.equal(response.status, 302)
    const after = await agent.follow(response)
    assert.include(after.text, `Der Rechnungslauf für ${period.key} wurde gestartet.`)

    const run = await waitForRun(period)
    assert.equal(run.status, 'completed')
    assert.match(run.triggeredBy, /^staff:/)
    assert.lengthOf(await Invoice.all(), 1)

    const status = await agent.get('/admin/invoices/status')
    const runs = JSON.parse(status.text)
    assert.deepInclude(runs, {
      period: period.key,
      status: 'completed',
      total: 2,
      pending: 0,
      done: 1,
      skipped: 1,
      failed: 0,
    })
    const overview = await agent.get('/admin/invoices')
    assert.include(overview.text, 'Abgeschlossen')
    assert.exists(await AuditEvent.findBy('action', 'invoices.run_started'))
  })

  test('a failed customer is listed with its error and the retry button issues the invoice', async ({
    assert,
  }) => {
    const period = testPeriod()
    const { customer } = await createCustomer({
      companyName: 'Eiscafé Venezia',
      terminals: [{ monthlyFeeMinor: 1490 }],
    })
    /* a run whose only job used up its attempts */
    const [runId] = await db.table('invoice_runs').insert({
      period: period.key,
      status: 'completed_with_failures',
      customers_total: 1,
      triggered_by: 'scheduler',
      started_at: now(),
      finished_at: now(),
      created_at: now(),
      updated_at: now(),
    })
    const [itemId] = await db.table('invoice_run_items').insert({
      invoice_run_id: runId,
      customer_id: customer.id,
      status: 'failed',
      attempts: 5,
      last_error: 'PdfRenderTimeoutError: PDF render timed out after 30000 ms',
      created_at: now(),
      updated_at: now(),
    })
    const agent = await staffAgent('admin')
    const page = await agent.get('/admin/invoices')
    assert.include(page.text, 'Eiscafé Venezia')
    assert.include(page.text, 'PDF render timed out')
    assert.include(page.text, `/admin/invoices/items/${itemId}/retry`)

    const response = await agent.post(
      `/admin/invoices/items/${itemId}/retry`,
      {},
      { csrfFrom: '/admin/invoices' }
    )
    assert.include((await agent.follow(response)).text, 'Die Rechnung wird erneut erzeugt.')
    const item = await waitUntil(
      async () => {
        const row = await InvoiceRunItem.findOrFail(itemId)
        return row.status === 'done' ? row : null
      },
      { what: 'the retried item' }
    )
    assert.isNotNull(item.invoiceId)
    const run = await waitForRun(period)
    assert.equal(run.status, 'completed')
    assert.notInclude((await agent.get('/admin/invoices')).text, 'PDF render timed out')
  })

  test('an agent sees the runs but may not start one; a bad period is refused', async ({
    assert,
  }) => {
    const agent = await staffAgent('agent')
    const page = await agent.get('/admin/invoices')
    assert.equal(page.status, 200)
    assert.notInclude(page.text, 'action="/admin/invoices/runs"')
    const refused = await agent.post(
      '/admin/invoices/runs',
      { period: testPeriod().key },
      { csrfFrom: '/admin/invoices' }
    )
    assert.equal(refused.status, 403)

    const admin = await staffAgent('admin')
    const future = DateTime.now().plus({ months: 1 }).toFormat('yyyy-MM')
    for (const period of ['2026-13', 'abc', future]) {
      const response = await admin.post(
        '/admin/invoices/runs',
        { period },
        { csrfFrom: '/admin/invoices' }
      )
      assert.include((await admin.follow(response)).text, 'abgeschlossenen Monat', period)
    }
    assert.lengthOf(await db.from('invoice_runs'), 0)
  })

  test('without a staff login the page redirects to the admin login', async ({ assert }) => {
    const response = await new Agent().get('/admin/invoices')
    assert.equal(response.status, 302)
    assert.equal(response.location, '/admin/login')
  })
})
