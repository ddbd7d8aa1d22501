import { test } from '@japa/runner'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { createMerchant } from '#tests/helpers/auth'
import { createStaff, loginStaff } from '#tests/helpers/staff'
import { TicketService } from '#services/admin/ticket_service'
import { getQueue } from '#services/queue/queues'
import { AuditService } from '#services/audit/audit_service'
import AuditEvent from '#models/audit_event'

const stat = (html: string, name: string) =>
  html.match(new RegExp(`data-stat="${name}">([^<]*)<`))?.[1]?.trim()

test.group('Admin dashboard and look-ups', (group) => {
  group.each.setup(() => resetState())

  test('the dashboard counts open tickets, locked accounts, pending approvals and failed jobs, each linking to its list', async ({
    assert,
  }) => {
    await createMerchant({ state: 'locked' })
    await createMerchant({ state: 'locked' })
    await createMerchant({ state: 'pending_approval' })
    await createMerchant()
    for (let i = 0; i < 3; i++) {
      await TicketService.open({
        name: 'Test',
        email: `t${i}@example.com`,
        customerNumber: null,
        category: 'other',
        message: 'Bitte um Rückruf.',
        userId: null,
        locale: 'de',
      })
    }
    /* a job no worker knows fails at once: one failed mail job */
    await getQueue('mail').add('no_such_job', {}, { attempts: 1 })
    for (let i = 0; i < 50 && (await getQueue('mail').getFailedCount()) < 1; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    const agent = new Agent()
    await loginStaff(agent, await createStaff())
    const page = await agent.get('/admin')
    assert.equal(stat(page.text, 'open-tickets'), '3')
    assert.equal(stat(page.text, 'locked-users'), '2')
    assert.equal(stat(page.text, 'pending-approval'), '1')
    assert.equal(stat(page.text, 'failed-mail'), '1')
    assert.equal(stat(page.text, 'failed-invoices'), '0')
    assert.include(page.text, 'href="/admin/tickets?status=open"')
    assert.include(page.text, 'href="/admin/users?state=locked"')
    assert.include(page.text, 'href="/admin/users?state=pending_approval"')
    assert.include(page.text, 'href="/admin/jobs?queue=mail"')
    const jobs = await agent.get('/admin/jobs?queue=mail')
    assert.equal(jobs.status, 200)
    assert.include(jobs.text, 'no_such_job')
    assert.include(jobs.text, 'No handler for job')
    const [failed] = await getQueue('mail').getFailed()
    const retry = await agent.post(
      `/admin/jobs/mail/${failed.id}/retry`,
      {},
      { csrfFrom: '/admin/jobs?queue=mail' }
    )
    assert.include((await agent.follow(retry)).text, 'erneut eingereiht')
    assert.equal(
      await AuditEvent.query()
        .where('action', 'job.retried')
        .count('* as n')
        .first()
        .then((r) => Number(r!.$extras.n)),
      1
    )
    /* leave no failed job behind for other tests in this run */
    for (let i = 0; i < 50 && (await getQueue('mail').getFailedCount()) < 1; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    await getQueue('mail').clean(0, 1000, 'failed')
  })

  test("an agent may not retry an invoice job (a run is the admins'), an admin may", async ({
    assert,
  }) => {
    await getQueue('invoices').add('no_such_job', {}, { attempts: 1 })
    for (let i = 0; i < 50 && (await getQueue('invoices').getFailedCount()) < 1; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    const [failed] = await getQueue('invoices').getFailed()
    const agent = new Agent()
    await loginStaff(agent, await createStaff({ role: 'agent' }))
    const list = await agent.get('/admin/jobs?queue=invoices')
    assert.include(list.text, 'no_such_job')
    assert.notInclude(list.text, `/admin/jobs/invoices/${failed.id}/retry`)
    assert.include(list.text, 'Nur Support-Administratoren wiederholen Rechnungsaufträge.')
    const refused = await agent.post(
      `/admin/jobs/invoices/${failed.id}/retry`,
      {},
      { csrfFrom: '/admin/jobs?queue=mail' }
    )
    assert.equal(refused.status, 403)
    assert.isTrue(await (await getQueue('invoices').getJob(failed.id!))!.isFailed())

    const admin = new Agent()
    await loginStaff(admin, await createStaff({ role: 'admin', email: 'admin2@example.com' }))
    const retried = await admin.post(
      `/admin/jobs/invoices/${failed.id}/retry`,
      {},
      { csrfFrom: '/admin/jobs?queue=invoices' }
    )
    assert.include((await admin.follow(retried)).text, 'erneut eingereiht')
    for (let i = 0; i < 50 && (await getQueue('invoices').getFailedCount()) < 1; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    await getQueue('invoices').clean(0, 1000, 'failed')
  })

  test('customers and terminals are looked up read-only with their linked users', async ({
    assert,
  }) => {
    const merchant = await createMerchant({
      email: 'kiosk@beispiel.de',
      customers: [{ customerNumber: 'L2223334', companyName: 'Kiosk am Markt', terminals: 2 }],
    })
    const agent = new Agent()
    await loginStaff(agent, await createStaff())
    const list = await agent.get('/admin/customers?q=Kiosk')
    assert.include(list.text, 'L2223334')
    const customer = await agent.get(`/admin/customers/${merchant.customers[0].id}`)
    assert.include(customer.text, 'Kiosk am Markt')
    assert.include(customer.text, 'kiosk@beispiel.de')
    assert.include(customer.text, merchant.terminals[0].terminalId)
    assert.include(customer.text, merchant.terminals[1].terminalId)
    assert.notInclude(customer.text, '<form method="POST" action="/admin/customers')

    const terminals = await agent.get(`/admin/terminals?q=${merchant.terminals[0].terminalId}`)
    assert.include(terminals.text, merchant.terminals[0].terminalId)
    assert.notInclude(terminals.text, merchant.terminals[1].terminalId)
    const terminal = await agent.get(`/admin/terminals/${merchant.terminals[0].id}`)
    assert.include(terminal.text, 'kiosk@beispiel.de')
    assert.include(terminal.text, 'L2223334')
    assert.equal((await agent.get('/admin/terminals/987654')).status, 404)
  })

  test('the audit log filters by actor, user, action and time', async ({ assert }) => {
    const merchant = await createMerchant({ email: 'audit@beispiel.de' })
    const other = await createMerchant()
    const agentA = await createStaff({ email: 'anna@support.example.com', fullName: 'Anna A' })
    const agentB = await createStaff({ email: 'bernd@support.example.com', fullName: 'Bernd B' })
    await AuditService.record({
      action: 'account.locked',
      actor: { type: 'staff', id: agentA.staff.id },
      subjectUserId: merchant.user.id,
    })
    await AuditService.record({
      action: 'account.unlocked',
      actor: { type: 'staff', id: agentB.staff.id },
      subjectUserId: other.user.id,
    })
    const admin = new Agent()
    await loginStaff(admin, await createStaff({ role: 'admin' }))
    const byActor = await admin.get('/admin/audit?actor=anna%40support.example.com')
    assert.include(byActor.text, 'account.locked')
    assert.notInclude(byActor.text, 'account.unlocked')
    const byUser = await admin.get('/admin/audit?user=audit%40beispiel.de')
    assert.include(byUser.text, 'account.locked')
    assert.notInclude(byUser.text, 'account.unlocked')
    const byAction = await admin.get('/admin/audit?action=account.unl')
    assert.include(byAction.text, 'Bernd B')
    assert.notInclude(byAction.text, 'Anna A')
    const past = await admin.get('/admin/audit?action=account.&to=2020-01-01')
    assert.notInclude(past.text, 'account.locked')
    const today = new Date().toISOString().slice(0, 10)
    const now = await admin.get(`/admin/audit?action=account.&from=${today}`)
    assert.include(now.text, 'account.locked')
  })
})
