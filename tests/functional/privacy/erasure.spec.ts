import { test } from '@japa/runner'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import type Customer from '#models/customer'
import User from '#models/user'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { smtpSink } from '#tests/helpers/services'
import { createMerchant, loginAs, mailTo } from '#tests/helpers/auth'
import { createStaff, loginStaff, totpCode } from '#tests/helpers/staff'
import { Totp } from '#services/security/totp'
import { DateTime } from 'luxon'
import { member, ticketOf } from '#tests/functional/privacy/fixtures'
import { exportStoragePath } from '#config/portal'
import { ErasureService } from '#services/privacy/erasure_service'

/*
| „Konto löschen“ and support's „Löschen auf Antrag“ (issue 18, point 2). The proof is
| a full dump: after the erasure no table holds the person's e-mail address, name,
| user agent or the IP address they signed in from; the customer's invoices stay.
*/

const EMAIL = 'erika.loeschmann@erase.example'
const NAME = 'Erika Löschmann'
const BROWSER = 'ErikaBrowser/3.0'
/* the suite's web server sees every request from the loopback address */
const IP = '127.0.0.1'

async function insertInvoice(customer: Customer) {
  const now = new Date()
  await db.table('invoices').insert({
    customer_id: customer.id,
    number: `RE-2026-${customer.id}`,
    kind: 'invoice',
    period: '2026-01',
    period_key: '2026-01',
    period_start: '2026-01-01',
    period_end: '2026-01-31',
    status: 'issued',
    created_at: now,
    updated_at: now,
  })
}

/**
 * SELECT * of every table, as one JSON text. In the suite staff sign in from the same
 * loopback address as the merchant: their own login events are left out where a test
 * needs staff (`withoutStaffLogins`), since that address is theirs, not the merchant's.
 */
async function fullDump(options: { withoutStaffLogins?: boolean } = {}) {
  const [rows] = await db.rawQuery('SHOW TABLES')
  const tables = (rows as Record<string, string>[]).map((row) => Object.values(row)[0])
  const dump: Record<string, unknown[]> = {}
  for (const table of tables) {
    const query = db.from(table).select('*')
    if (table === 'audit_events' && options.withoutStaffLogins) {
      query.whereNot((q) => q.where('actor_type', 'staff').where('action', 'like', 'staff.login.%'))
    }
    dump[table] = await query
  }
  return JSON.stringify(dump)
}

/** Erika, co-owner of a customer with Otto; her ticket, an invitation to her address, an export. */
async function setup() {
  const erika = await createMerchant({
    email: EMAIL,
    fullName: NAME,
    customers: [{ companyName: 'Lösch & Partner GmbH', email: 'buero@loesch.example' }],
  })
  const customer = erika.customers[0]
  await db.from('users').where('id', erika.user.id).update({ phone: '0170 5550123' })
  await member(customer, 'otto@erase.example', 'owner', 'Otto Mitinhaber')
  await insertInvoice(customer)
  await ticketOf(erika.user, customer, `Bitte Rechnung an ${EMAIL} senden. Gruß ${NAME}`)
  const agent = new Agent({ 'user-agent': BROWSER })
  await loginAs(agent, EMAIL, erika.password)
  return { erika, customer, agent }
}

function assertGone(assert: any, dump: string) {
  for (const needle of [EMAIL, NAME, BROWSER, IP, '0170 5550123']) {
    assert.notInclude(dump, needle, `${needle} is still in the database`)
  }
}

test.group('Privacy / erasure', (group) => {
  group.each.setup(async () => {
    await resetState()
    smtpSink.clear()
  })
  group.each.timeout(60_000)

  test('„Konto löschen“ leaves no e-mail, name or IP in any table; invoices stay', async ({
    assert,
  }) => {
    const { erika, customer, agent } = await setup()
    /* an export on disk */
    await agent.post('/account/privacy/export', {}, { csrfFrom: '/account/privacy' })
    await mailTo(EMAIL, 'Ihre Daten stehen zum Herunterladen bereit', 30_000)
    assert.isTrue(existsSync(join(app.makePath(exportStoragePath), String(erika.user.id))))

    const wrong = await agent.post(
      '/account/privacy/erase',
      { current_password: 'falsch-falsch-falsch', confirm: '1' },
      { csrfFrom: '/account/privacy' }
    )
    const refused = await agent.follow(wrong)
    assert.include(refused.text, 'Das Passwort ist nicht richtig.')
    /* without the tick: its message is tied to the checkbox */
    const unticked = await agent.follow(
      await agent.post(
        '/account/privacy/erase',
        { current_password: erika.password },
        { csrfFrom: '/account/privacy' }
      )
    )
    assert.match(
      unticked.text,
      /id="erase_confirm"[^>]*aria-invalid="true" aria-describedby="erase_confirm-error"/
    )
    assert.match(unticked.text, /id="erase_confirm-error"/)

    const done = await agent.post(
      '/account/privacy/erase',
      { current_password: erika.password, confirm: '1' },
      { csrfFrom: '/account/privacy' }
    )
    assert.equal(done.status, 302)
    assert.include(done.location!, '/account/deleted')
    const confirmation = await agent.follow(done)
    assert.include(confirmation.text, 'Ihr Konto wurde gelöscht')
    /* logged out, and the old credentials open nothing */
    const account = await agent.get('/account')
    assert.equal(account.status, 302)
    assert.include(account.location!, '/login')

    assertGone(assert, await fullDump())

    const user = await User.findOrFail(erika.user.id)
    assert.equal(user.email, `deleted-${user.id}@invalid`)
    assert.isNull(user.fullName)
    assert.equal(user.state, 'disabled')
    assert.lengthOf(await db.from('customer_user').where('user_id', user.id), 0)
    /* the customer keeps its invoice and its other owner */
    assert.lengthOf(await db.from('invoices').where('customer_id', customer.id), 1)
    assert.lengthOf(await db.from('customer_user').where('customer_id', customer.id), 1)
    /* the ticket stays for support, pseudonymised */
    const ticket = await db.from('tickets').where('user_id', user.id).firstOrFail()
    assert.equal(ticket.name, 'Gelöschter Benutzer')
    /* the audit trail keeps the action, not the person */
    const erased = await db.from('audit_events').where('action', 'user.erased').firstOrFail()
    assert.equal(erased.subject_user_id, user.id)
    assert.isNull(erased.ip)
    assert.isTrue(
      (await db.from('audit_events').where('action', 'login.succeeded')).every((e) => !e.ip)
    )
    assert.isFalse(existsSync(join(app.makePath(exportStoragePath), String(user.id))))
    const again = await new Agent().post(
      '/login',
      { email: EMAIL, password: erika.password },
      { csrfFrom: '/login' }
    )
    assert.include(again.location ?? '', '/login')
  })

  test('the last owner is refused with a clear message', async ({ assert }) => {
    const solo = await createMerchant({
      email: 'solo@erase.example',
      customers: [{ companyName: 'Allein GmbH' }],
    })
    const agent = new Agent()
    await loginAs(agent, 'solo@erase.example', solo.password)
    const page = await agent.get('/account/privacy')
    assert.include(page.text, 'Sie sind der letzte Inhaber von Allein GmbH')
    const response = await agent.post(
      '/account/privacy/erase',
      { current_password: solo.password, confirm: '1' },
      { csrfFrom: '/account/privacy' }
    )
    const back = await agent.follow(response)
    assert.include(back.text, 'Übergeben Sie die Inhaberschaft zuerst')
    const user = await User.findOrFail(solo.user.id)
    assert.equal(user.email, 'solo@erase.example')
    assert.equal(user.state, 'active')
  })

  test('two co-owners erasing themselves at the same moment: one goes, the other stays the owner', async ({
    assert,
  }) => {
    const first = await createMerchant({
      email: 'erste@erase.example',
      customers: [{ companyName: 'Zu Zweit GmbH' }],
    })
    const second = await member(
      first.customers[0],
      'zweite@erase.example',
      'owner',
      'Zweite Inhaberin'
    )
    const agents = [new Agent(), new Agent()]
    await loginAs(agents[0], 'erste@erase.example', first.password)
    await loginAs(agents[1], 'zweite@erase.example', second.password)
    const tokens = await Promise.all(agents.map((agent) => agent.csrf('/account/privacy')))
    const answers = await Promise.all(
      agents.map((agent, i) =>
        agent.request('POST', '/account/privacy/erase', {
          form: {
            current_password: [first.password, second.password][i],
            confirm: '1',
            _csrf: tokens[i],
          },
        })
      )
    )
    const erased = await Promise.all(
      [first.user.id, second.user.id].map(async (id) => (await User.findOrFail(id)).erasedAt)
    )
    assert.lengthOf(
      erased.filter((at) => at !== null),
      1,
      JSON.stringify(answers.map((a) => a.location))
    )
    const owners = await db
      .from('customer_user')
      .where('customer_id', first.customers[0].id)
      .where('role', 'owner')
    assert.lengthOf(owners, 1)
  })

  test('with two-factor on, the code is needed too', async ({ assert }) => {
    const { customer, erika } = await setup()
    const twoFactor = await member(customer, 'zwei@erase.example', 'owner', 'Zora Zweifaktor')
    const secret = Totp.newSecret()
    twoFactor.user.totpSecret = Totp.encryptSecret(secret)
    twoFactor.user.totpEnabledAt = DateTime.now()
    twoFactor.user.recoveryCodes = Totp.newRecoveryCodes().stored
    await twoFactor.user.save()
    const agent = new Agent()
    await agent.post(
      '/login',
      { email: 'zwei@erase.example', password: twoFactor.password },
      { csrfFrom: '/login' }
    )
    await agent.post('/login/totp', { code: await totpCode(secret) }, { csrfFrom: '/login/totp' })
    const page = await agent.get('/account/privacy')
    assert.include(page.text, 'Code aus Ihrer Authenticator-App')

    const withoutCode = await agent.post(
      '/account/privacy/erase',
      { current_password: twoFactor.password, confirm: '1' },
      { csrfFrom: '/account/privacy' }
    )
    assert.include((await agent.follow(withoutCode)).text, 'Der Code ist nicht richtig.')
    const withCode = await agent.post(
      '/account/privacy/erase',
      { current_password: twoFactor.password, code: await totpCode(secret), confirm: '1' },
      { csrfFrom: '/account/privacy' }
    )
    assert.include(withCode.location!, '/account/deleted')
    const user = await User.findOrFail(twoFactor.user.id)
    assert.isNull(user.totpSecret)
    assert.equal(user.email, `deleted-${user.id}@invalid`)
    /* Erika is untouched */
    assert.equal((await User.findOrFail(erika.user.id)).email, EMAIL)
  })

  test('support erasure needs a second, different staff member', async ({ assert }) => {
    const { erika, customer } = await setup()
    const first = await createStaff({ role: 'agent', fullName: 'Anna Antrag' })
    const second = await createStaff({ role: 'agent', fullName: 'Bernd Freigabe' })
    const firstAgent = new Agent()
    await loginStaff(firstAgent, first)
    const path = `/admin/users/${erika.user.id}/erasure`

    const userPage = await firstAgent.get(`/admin/users/${erika.user.id}`)
    assert.include(userPage.text, path)
    const requested = await firstAgent.post(
      path,
      { reason: 'Antrag per Anfrage T-2026-000123' },
      { csrfFrom: path }
    )
    assert.include((await firstAgent.follow(requested)).text, 'Der Antrag ist gestellt')
    const pending = await db.from('erasure_requests').firstOrFail()

    /* the same staff member cannot approve */
    const self = await firstAgent.post(`${path}/${pending.id}/approve`, {}, { csrfFrom: path })
    assert.include((await firstAgent.follow(self)).text, 'Eine andere Person muss ihn freigeben')
    assert.equal((await User.findOrFail(erika.user.id)).email, EMAIL)

    const secondAgent = new Agent()
    await loginStaff(secondAgent, second)
    const approved = await secondAgent.post(`${path}/${pending.id}/approve`, {}, { csrfFrom: path })
    assert.include((await secondAgent.follow(approved)).text, 'Das Konto wurde gelöscht')

    assertGone(assert, await fullDump({ withoutStaffLogins: true }))
    assert.lengthOf(await db.from('invoices').where('customer_id', customer.id), 1)
    const event = await db.from('audit_events').where('action', 'user.erased').firstOrFail()
    assert.equal(event.actor_type, 'staff')
    assert.equal(event.actor_id, second.staff.id)
    const request = await db.from('erasure_requests').where('id', pending.id).firstOrFail()
    assert.equal(request.status, 'done')
    assert.equal(request.approved_by_staff_id, second.staff.id)
  })

  test('two approvals, or an approval and a cancel, at the same moment decide once', async ({
    assert,
  }) => {
    const { erika } = await setup()
    const requester = await createStaff({ role: 'agent', fullName: 'Anna Antrag' })
    const one = await createStaff({ role: 'agent', fullName: 'Bernd Freigabe' })
    const two = await createStaff({ role: 'agent', fullName: 'Carla Freigabe' })
    const user = await User.findOrFail(erika.user.id)
    const requested = await ErasureService.requestBySupport(user, requester.staff, 'Antrag')
    assert.isTrue(requested.ok)
    const pending = await db.from('erasure_requests').firstOrFail()

    const results = await Promise.all([
      ErasureService.approveBySupport(pending.id, one.staff, false),
      ErasureService.approveBySupport(pending.id, two.staff, false),
      ErasureService.cancelBySupport(pending.id, requester.staff),
    ])
    assert.lengthOf(
      results.filter((result) => result.ok),
      1,
      JSON.stringify(results.map((result) => result.ok || result.error))
    )
    const decided = await db.from('erasure_requests').where('id', pending.id).firstOrFail()
    const erasures = await db.from('audit_events').where('action', 'user.erased')
    if (decided.status === 'done') {
      assert.lengthOf(erasures, 1)
      assert.oneOf(Number(decided.approved_by_staff_id), [one.staff.id, two.staff.id])
    } else {
      assert.equal(decided.status, 'cancelled')
      assert.lengthOf(erasures, 0)
      assert.equal((await User.findOrFail(erika.user.id)).email, EMAIL)
    }
  })

  test('support: the last owner only with an admin’s explicit decision', async ({ assert }) => {
    const solo = await createMerchant({
      email: 'letzter@erase.example',
      fullName: 'Lars Letzter',
      customers: [{ companyName: 'Letzte GmbH' }],
    })
    const requester = await createStaff({ role: 'agent' })
    const agentStaff = await createStaff({ role: 'agent' })
    const admin = await createStaff({ role: 'admin' })
    const path = `/admin/users/${solo.user.id}/erasure`
    const a = new Agent()
    await loginStaff(a, requester)
    await a.post(path, { reason: 'Schriftlicher Antrag vom Kunden' }, { csrfFrom: path })
    const pending = await db.from('erasure_requests').firstOrFail()

    const b = new Agent()
    await loginStaff(b, agentStaff)
    const plain = await b.post(`${path}/${pending.id}/approve`, {}, { csrfFrom: path })
    assert.include((await b.follow(plain)).text, 'letzter Inhaber von Letzte GmbH')
    const override = await b.post(
      `${path}/${pending.id}/approve`,
      { override_last_owner: '1' },
      { csrfFrom: path }
    )
    assert.include((await b.follow(override)).text, 'Nur ein Admin')
    assert.equal((await User.findOrFail(solo.user.id)).state, 'active')

    const c = new Agent()
    await loginStaff(c, admin)
    const decided = await c.post(
      `${path}/${pending.id}/approve`,
      { override_last_owner: '1' },
      { csrfFrom: path }
    )
    assert.include((await c.follow(decided)).text, 'Das Konto wurde gelöscht')
    const user = await User.findOrFail(solo.user.id)
    assert.equal(user.email, `deleted-${user.id}@invalid`)
    const request = await db.from('erasure_requests').where('id', pending.id).firstOrFail()
    assert.isTrue(Boolean(request.last_owner_override))
    /* the customer has no owner now: support assigns one */
    assert.lengthOf(await db.from('customer_user').where('customer_id', solo.customers[0].id), 0)
  })
})
