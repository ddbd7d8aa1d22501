import { test } from '@japa/runner'
import { execFile } from 'node:child_process'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import app from '@adonisjs/core/services/app'
import ChangeRequest from '#models/change_request'
import Customer from '#models/customer'
import MasterDataLock from '#models/master_data_lock'
import AuditEvent from '#models/audit_event'
import { UserFactory } from '#database/factories/user_factory'
import { importCustomers } from '#services/import/import_customers'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { createMerchant, loginAs, mailTo, DEFAULT_PASSWORD, confirmLink } from '#tests/helpers/auth'
import { createStaff, loginStaff } from '#tests/helpers/staff'

const OLD_IBAN = 'DE89370400440532013000'
const NEW_IBAN = 'DE02120300000000202051'
const OLD_ADDRESS = 'alt-kontakt@kunde.example'
const HEADER =
  'customer_number,company_name,street,postal_code,city,country,email,phone,vat_id,iban'

/** An owner (with a customer that has a contact address and the old IBAN), logged in. */
async function owner(options: { locale?: string; email?: string | null } = {}) {
  const merchant = await createMerchant({
    locale: options.locale,
    customers: [{ email: options.email === undefined ? OLD_ADDRESS : options.email }],
  })
  const customer = merchant.customers[0]
  customer.iban = OLD_IBAN
  customer.accountHolder = 'Alte Firma GmbH'
  await customer.save()
  const agent = new Agent()
  await loginAs(agent, merchant.user.email, merchant.password)
  return { ...merchant, customer, agent }
}

async function staffAgent() {
  const agent = new Agent()
  const staff = await createStaff()
  await loginStaff(agent, staff)
  return { agent, staff: staff.staff }
}

/** Posts a change request form from its own page. */
function requestChange(agent: Agent, kind: string, fields: Record<string, string>) {
  return agent.post('/changes', { kind, ...fields }, { csrfFrom: `/changes/new?kind=${kind}` })
}

function approve(agent: Agent, id: number) {
  return agent.post(`/admin/changes/${id}/approve`, {}, { csrfFrom: `/admin/changes/${id}` })
}

function pathOf(link: string) {
  const url = new URL(link)
  return url.pathname + url.search
}

function ace(args: string[]) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['ace', ...args, '--no-ansi'],
      { cwd: app.makePath(), env: process.env },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })
      }
    )
  })
}

test.group('Change requests', (group) => {
  group.each.setup(() => resetState())

  test('bank account: accountant refused; owner → mail to old address → two different approvals → applied; import keeps it', async ({
    assert,
  }) => {
    const { user, customer, agent } = await owner()

    /* an accountant of the same customer: refused like a missing page, nothing stored */
    const accountant = await UserFactory.merge({ password: DEFAULT_PASSWORD }).create()
    await accountant.related('customers').attach({
      [customer.id]: { role: 'accountant', proven_by: 'invitation' },
    })
    const accountantAgent = new Agent()
    await loginAs(accountantAgent, accountant.email, DEFAULT_PASSWORD)
    assert.equal((await accountantAgent.get('/changes')).status, 404)
    assert.equal((await accountantAgent.get('/changes/new?kind=bank_account')).status, 404)
    const refused = await accountantAgent.post(
      '/changes',
      {
        kind: 'bank_account',
        customer_id: String(customer.id),
        iban: NEW_IBAN,
        account_holder: 'Betrüger',
      },
      { csrfFrom: '/' }
    )
    assert.equal(refused.status, 404)
    assert.equal((await ChangeRequest.all()).length, 0)

    /* a wrong check digit is refused on the form */
    const typo = await requestChange(agent, 'bank_account', {
      customer_id: String(customer.id),
      iban: 'DE02120300000000202052',
      account_holder: 'Neue Firma GmbH',
    })
    assert.equal(typo.location, '/changes/new')
    assert.include((await agent.follow(typo)).text, 'Diese IBAN ist nicht gültig')
    assert.equal((await ChangeRequest.all()).length, 0)

    /* the owner: spaces and lower case are fine */
    const created = await requestChange(agent, 'bank_account', {
      customer_id: String(customer.id),
      iban: 'de02 1203 0000 0000 2020 51',
      account_holder: 'Neue Firma GmbH',
    })
    assert.equal(created.location, '/changes')
    const request = await ChangeRequest.firstOrFail()
    assert.equal(request.status, 'awaiting_confirmation')
    assert.equal(request.payload.iban, NEW_IBAN)
    assert.match(request.reference!, /^CR-\d{4}-\d{6}$/)
    assert.lengthOf(request.confirmTokenHash!, 64)

    /* the confirmation goes to the address on file, shows only the last 4 */
    const mail = await mailTo(OLD_ADDRESS, 'Bankverbindung bestätigen')
    const text = mail.parsed.text ?? ''
    assert.include(text, '2051')
    assert.notInclude(text, NEW_IBAN)
    assert.notInclude(mail.parsed.html || '', NEW_IBAN)
    const list = await agent.get('/changes')
    assert.include(list.text, 'Wartet auf Bestätigung per E-Mail')
    assert.notInclude(list.text, NEW_IBAN)

    /* the link works without a login, once */
    const stranger = new Agent()
    const link = pathOf(text.match(/https?:\/\/\S*\/changes\/confirm\/\S+/)![0])
    /* opening the link (as a mail scanner does) only asks */
    const asked = await stranger.get(link)
    assert.include(asked.text, 'Änderung der Bankverbindung bestätigen')
    assert.equal((await ChangeRequest.firstOrFail()).status, 'awaiting_confirmation')
    const confirmed = await confirmLink(stranger, link)
    assert.equal(confirmed.status, 200)
    assert.include(confirmed.text, 'Bestätigt')
    assert.notInclude(confirmed.text, '2051')
    assert.equal((await stranger.get(link)).status, 410)
    await request.refresh()
    assert.equal(request.status, 'pending')
    assert.isNull(request.confirmTokenHash)
    assert.include((await agent.get('/changes')).text, 'In Prüfung')

    /* four eyes */
    const a = await staffAgent()
    const b = await staffAgent()
    const first = await approve(a.agent, request.id)
    assert.include((await a.agent.follow(first)).text, 'Erste Freigabe erteilt')
    await request.refresh()
    assert.equal(request.status, 'approved_once')
    assert.equal(request.firstApproverId, a.staff.id)
    await customer.refresh()
    assert.equal(customer.iban, OLD_IBAN)

    const again = await approve(a.agent, request.id)
    assert.include(
      (await a.agent.follow(again)).text,
      'Vier-Augen-Prinzip: ein anderer Mitarbeiter muss freigeben'
    )
    await request.refresh()
    assert.equal(request.status, 'approved_once')
    await customer.refresh()
    assert.equal(customer.iban, OLD_IBAN)

    const second = await approve(b.agent, request.id)
    assert.include((await b.agent.follow(second)).text, 'übernommen')
    await request.refresh()
    assert.equal(request.status, 'applied')
    assert.equal(request.secondApproverId, b.staff.id)
    assert.deepEqual(request.before, { iban: OLD_IBAN, account_holder: 'Alte Firma GmbH' })
    await customer.refresh()
    assert.equal(customer.iban, NEW_IBAN)
    assert.equal(customer.accountHolder, 'Neue Firma GmbH')

    const audit = await AuditEvent.query().where('action', 'change_request.applied').firstOrFail()
    assert.equal(audit.actorId, b.staff.id)
    const meta = audit.meta as any
    assert.equal(meta.before.iban, '•••• 3000')
    assert.equal(meta.after.iban, '•••• 2051')
    assert.equal(meta.after.account_holder, 'Neue Firma GmbH')
    assert.notInclude(JSON.stringify(meta), NEW_IBAN)
    assert.exists(
      await AuditEvent.query().where('action', 'change_request.second_approval_refused').first()
    )

    const told = await mailTo(user.email, 'übernommen')
    assert.include(told.parsed.subject ?? '', request.reference!)
    assert.include((await agent.get('/changes')).text, 'Übernommen')

    /* the next import still carries the old IBAN: conflict reported, new IBAN kept */
    const summary = await importCustomers(
      Readable.from([
        [
          HEADER,
          `${customer.customerNumber},Umbenannt GmbH,Hauptstraße 1,60311,Frankfurt am Main,DE,${OLD_ADDRESS},,,${OLD_IBAN}`,
        ].join('\n') + '\n',
      ])
    )
    assert.equal(summary.failed, 0)
    assert.lengthOf(summary.conflicts, 1)
    assert.equal(summary.conflicts[0].line, 2)
    assert.match(
      summary.conflicts[0].reason,
      new RegExp(
        `^iban conflicts with an approved change of \\d{2}\\.\\d{2}\\.\\d{4} \\(${request.reference}\\); kept the portal's value$`
      )
    )
    assert.notInclude(summary.conflicts[0].reason, OLD_IBAN)
    await customer.refresh()
    assert.equal(customer.iban, NEW_IBAN)
    assert.equal(customer.companyName, 'Umbenannt GmbH')
    assert.exists(await MasterDataLock.findBy('field', 'iban'))

    /* the command prints it; a conflict is no failure (exit code 0) */
    const dir = await mkdtemp(join(tmpdir(), 'changes-import-'))
    const file = join(dir, 'customers.csv')
    await writeFile(
      file,
      `${HEADER}\n${customer.customerNumber},Umbenannt GmbH,Hauptstraße 1,60311,Frankfurt am Main,DE,${OLD_ADDRESS},,,${OLD_IBAN}\n`
    )
    const run = await ace(['import:customers', file])
    assert.equal(run.code, 0, run.stdout + run.stderr)
    assert.include(run.stdout, `line 2: iban conflicts with an approved change of`)
    assert.include(run.stdout, `(${request.reference}); kept the portal's value`)
    assert.notInclude(run.stdout + run.stderr, OLD_IBAN)
    await customer.refresh()
    assert.equal(customer.iban, NEW_IBAN)

    /* once the source system carries the new IBAN, the lock is released */
    const caughtUp = await importCustomers(
      Readable.from([
        `${HEADER}\n${customer.customerNumber},Umbenannt GmbH,Hauptstraße 1,60311,Frankfurt am Main,DE,${OLD_ADDRESS},,,${NEW_IBAN}\n`,
      ])
    )
    assert.lengthOf(caughtUp.conflicts, 0)
    assert.isNull(await MasterDataLock.findBy('field', 'iban'))
  }).timeout(90_000)

  test('no contact address on file: the confirmation goes to the owners', async ({ assert }) => {
    const { user, customer, agent } = await owner({ email: null })
    await requestChange(agent, 'bank_account', {
      customer_id: String(customer.id),
      iban: NEW_IBAN,
      account_holder: 'Neue Firma GmbH',
    })
    const mail = await mailTo(user.email, 'Bankverbindung bestätigen')
    assert.include(mail.parsed.text ?? '', '/changes/confirm/')
  })

  test('an address change is applied by one agent, locked, and the merchant is told', async ({
    assert,
  }) => {
    const { user, customer, agent } = await owner()
    const response = await requestChange(agent, 'address', {
      customer_id: String(customer.id),
      street: 'Neue Straße 5',
      postal_code: '10115',
      city: 'Berlin',
      country: 'de',
    })
    assert.equal(response.location, '/changes')
    const request = await ChangeRequest.firstOrFail()
    assert.equal(request.status, 'pending')

    const a = await staffAgent()
    const page = await a.agent.get(`/admin/changes/${request.id}`)
    assert.include(page.text, 'Neue Straße 5')
    await approve(a.agent, request.id)
    await request.refresh()
    assert.equal(request.status, 'applied')
    await customer.refresh()
    assert.equal(customer.street, 'Neue Straße 5')
    assert.equal(customer.city, 'Berlin')
    assert.equal(customer.country, 'DE')
    assert.equal((request.before as any).city, 'Frankfurt am Main')
    const locks = await MasterDataLock.query().orderBy('field')
    assert.deepEqual(
      locks.map((lock) => [lock.field, lock.value]),
      [
        ['city', 'Berlin'],
        ['country', 'DE'],
        ['postal_code', '10115'],
        ['street', 'Neue Straße 5'],
      ]
    )
    await mailTo(user.email, 'übernommen')
    /* the merchant's page shows it */
    assert.include((await agent.get('/changes')).text, 'Übernommen')
  })

  test('a rejection carries the note to the merchant', async ({ assert }) => {
    const { user, customer, agent } = await owner()
    await requestChange(agent, 'contact', {
      customer_id: String(customer.id),
      email: 'neu@kunde.example',
      phone: '+49 69 123456',
    })
    const request = await ChangeRequest.firstOrFail()
    const a = await staffAgent()
    await a.agent.post(
      `/admin/changes/${request.id}/reject`,
      { note: 'Bitte rufen Sie uns an.' },
      { csrfFrom: `/admin/changes/${request.id}` }
    )
    await request.refresh()
    assert.equal(request.status, 'rejected')
    await customer.refresh()
    assert.equal(customer.email, OLD_ADDRESS)
    const mail = await mailTo(user.email, 'abgelehnt')
    assert.include(mail.parsed.text ?? '', 'Bitte rufen Sie uns an.')
    const list = await agent.get('/changes')
    assert.include(list.text, 'Abgelehnt')
    assert.include(list.text, 'Bitte rufen Sie uns an.')
  })

  test('a terminal order is marked done by one agent; another customer’s terminal is a 404', async ({
    assert,
  }) => {
    const { user, customer, terminals, agent } = await owner()
    const other = await createMerchant()
    const foreign = await requestChange(agent, 'terminal_order', {
      customer_id: String(customer.id),
      terminal_id: other.terminals[0].terminalId,
      item: 'paper_rolls',
      quantity: '5',
    })
    assert.equal(foreign.status, 404)
    const tooMany = await requestChange(agent, 'terminal_order', {
      customer_id: String(customer.id),
      terminal_id: terminals[0].terminalId,
      item: 'paper_rolls',
      quantity: '51',
    })
    assert.equal(tooMany.location, '/changes/new')
    assert.include((await agent.follow(tooMany)).text, 'Bitte eine Anzahl von 1 bis 50.')
    const half = await requestChange(agent, 'terminal_order', {
      customer_id: String(customer.id),
      terminal_id: terminals[0].terminalId,
      item: 'paper_rolls',
      quantity: '2.5',
    })
    assert.equal(half.location, '/changes/new')
    assert.include((await agent.follow(half)).text, 'Bitte eine ganze Zahl angeben.')
    assert.equal((await ChangeRequest.all()).length, 0)

    await requestChange(agent, 'terminal_order', {
      customer_id: String(customer.id),
      terminal_id: terminals[0].terminalId,
      item: 'paper_rolls',
      quantity: '5',
    })
    const request = await ChangeRequest.firstOrFail()
    assert.equal(request.status, 'pending')
    assert.deepEqual(request.payload, {
      terminal_id: terminals[0].terminalId,
      item: 'paper_rolls',
      quantity: 5,
    })
    const a = await staffAgent()
    await approve(a.agent, request.id)
    await request.refresh()
    assert.equal(request.status, 'done')
    await mailTo(user.email, 'erledigt')
    assert.include((await agent.get('/changes')).text, 'Erledigt')
  })

  test('the owner withdraws a pending request; a decided one stays', async ({ assert }) => {
    const { customer, agent } = await owner()
    await requestChange(agent, 'contact', {
      customer_id: String(customer.id),
      email: 'neu@kunde.example',
    })
    const request = await ChangeRequest.firstOrFail()
    const response = await agent.post(`/changes/${request.id}/cancel`, {}, { csrfFrom: '/changes' })
    assert.equal(response.location, '/changes')
    await request.refresh()
    assert.equal(request.status, 'cancelled')
    assert.include((await agent.get('/changes')).text, 'Zurückgezogen')

    const a = await staffAgent()
    await approve(a.agent, request.id)
    await request.refresh()
    assert.equal(request.status, 'cancelled')
    await customer.refresh()
    assert.equal(customer.email, OLD_ADDRESS)

    /* someone else's request: 404 */
    const other = await owner({ email: 'other@kunde.example' })
    const foreign = await other.agent.post(
      `/changes/${request.id}/cancel`,
      {},
      { csrfFrom: '/changes' }
    )
    assert.equal(foreign.status, 404)
  })

  test('English labels for an English-speaking owner', async ({ assert }) => {
    const { customer, agent } = await owner({ locale: 'en' })
    const form = await agent.get('/changes/new?kind=bank_account')
    assert.include(form.text, 'New IBAN')
    assert.include(form.text, 'Account holder')
    await requestChange(agent, 'bank_account', {
      customer_id: String(customer.id),
      iban: NEW_IBAN,
      account_holder: 'New Company Ltd',
    })
    const mail = await mailTo(OLD_ADDRESS, 'Confirm the new bank account')
    assert.include(mail.parsed.text ?? '', 'ending in •••• 2051')
    const list = await agent.get('/changes')
    assert.include(list.text, 'Change master data')
    assert.include(list.text, 'Waiting for e-mail confirmation')
    assert.include(list.text, '•••• 2051')
    assert.notInclude(list.text, NEW_IBAN)
    assert.equal((await Customer.findOrFail(customer.id)).iban, OLD_IBAN)
  })
})
