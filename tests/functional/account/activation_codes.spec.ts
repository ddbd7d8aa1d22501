import { test } from '@japa/runner'
import ace from '@adonisjs/core/services/ace'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import env from '#start/env'
import { Agent } from '#tests/helpers/agent'
import { resetState } from '#tests/helpers/db'
import { smtpSink } from '#tests/helpers/services'
import { recipients } from '#demo/smtp_sink'
import {
  createCustomer,
  createMerchant,
  DEFAULT_PASSWORD,
  linkIn,
  loginAs,
  mailTo,
  pathOf,
  confirmLink,
} from '#tests/helpers/auth'
import { addTransactions } from '#tests/functional/merchant/fixtures'
import { mailsSettled } from '#tests/helpers/queues'

/*
| REGISTRATION_PROOF=code: a one-time activation code per customer (letter run from
| `node ace customers:activation-codes`) proves the customer instead of a Terminal-ID;
| and the role of a registration is decided when it is confirmed.
*/

type Row = Record<string, string>

/** Runs the command and reads its CSV (stdout) as rows by header. */
async function generate(args: string[] = []) {
  ace.ui.switchMode('raw')
  try {
    const command = await ace.exec('customers:activation-codes', args)
    const out = command.logger
      .getLogs()
      .filter((log) => log.stream === 'stdout')
      .map((log) => log.message)
    const [header, ...lines] = out
    const columns = header ? header.split(';') : []
    const rows = lines.map((line) => {
      const cells = line.split(';')
      return Object.fromEntries(columns.map((name, i) => [name, cells[i]])) as Row
    })
    return { exitCode: command.exitCode, header, rows }
  } finally {
    ace.ui.switchMode('normal')
  }
}

async function register(fields: { email: string; customer_number: string; terminal_id: string }) {
  const agent = new Agent()
  const response = await agent.post(
    '/register',
    {
      ...fields,
      password: DEFAULT_PASSWORD,
      password_confirmation: DEFAULT_PASSWORD,
      consent: 'on',
    },
    { csrfFrom: '/register' }
  )
  return { agent, response }
}

const verifyMails = (email: string) =>
  smtpSink.mails.filter(
    (m) => recipients(m).includes(email) && (m.parsed.subject ?? '').includes('bestätigen')
  )

test.group('Activation codes: the command', (group) => {
  group.each.setup(async () => {
    await resetState()
    smtpSink.clear()
  })

  test('one code per customer as CSV for a letter, stored hashed; a new one replaces the unused', async ({
    assert,
  }) => {
    const { customer: first } = await createCustomer({
      customerNumber: 'L1000001',
      companyName: '=HYPERLINK("http://x")',
      street: 'Hauptstraße 1',
      postalCode: '60311',
      city: 'Frankfurt',
    })
    await createCustomer({ customerNumber: 'L1000002' })

    const all = await generate()
    assert.equal(all.exitCode, 0)
    assert.equal(all.header, 'customer_number;company_name;street;postal_code;city;code;expires_at')
    assert.lengthOf(all.rows, 2)
    const row = all.rows.find((entry) => entry.customer_number === 'L1000001')!
    /* a company name that a spreadsheet would run is neutralised */
    assert.isTrue(row.company_name.startsWith(`"'=`), row.company_name)
    assert.equal(row.street, 'Hauptstraße 1')
    assert.equal(row.postal_code, '60311')
    assert.match(row.code, /^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/)
    assert.equal(row.expires_at, DateTime.now().plus({ days: 90 }).toISODate())
    assert.notEqual(all.rows[0].code, all.rows[1].code)

    /* only hashes are stored */
    const stored = await db.from('activation_codes').where('customer_id', first.id)
    assert.lengthOf(stored, 1)
    assert.notInclude(JSON.stringify(stored), row.code)
    assert.notInclude(JSON.stringify(stored), row.code.replaceAll('-', ''))

    /* one customer, a shorter validity; its previous unused code is gone */
    const one = await generate(['--customer', 'l100 0001', '--expires-days', '10'])
    assert.lengthOf(one.rows, 1)
    assert.equal(one.rows[0].expires_at, DateTime.now().plus({ days: 10 }).toISODate())
    assert.lengthOf(await db.from('activation_codes').where('customer_id', first.id), 1)
    assert.lengthOf(await db.from('activation_codes'), 2)

    const unknown = await generate(['--customer', 'L9999999'])
    assert.equal(unknown.exitCode, 1)
    assert.equal((await generate(['--expires-days', '0'])).exitCode, 1)
  })
})

test.group('Activation codes: REGISTRATION_PROOF=code', (group) => {
  group.each.setup(async () => {
    await resetState()
    smtpSink.clear()
    env.set('REGISTRATION_PROOF', 'code')
    return () => env.set('REGISTRATION_PROOF', 'tid')
  })

  test('registering needs the code; it works once; a TID or a wrong code gets the same answer', async ({
    assert,
  }) => {
    const { customer, terminals } = await createCustomer({ customerNumber: 'L2000001' })
    const page = await new Agent().get('/register')
    assert.include(page.text, 'Aktivierungscode')
    const { rows } = await generate()
    const code = rows[0].code

    /* a Terminal-ID is no longer a proof: refused by the form */
    const byTid = await register({
      email: 'tid@example.com',
      customer_number: 'L2000001',
      terminal_id: terminals[0].terminalId,
    })
    assert.equal(byTid.response.location, '/register')
    const form = await byTid.agent.follow(byTid.response)
    assert.include(form.text, 'Der Aktivierungscode besteht aus 12 Buchstaben und Ziffern')

    /* a well-formed wrong code and another customer's number: the neutral answer, no mail */
    await createCustomer({ customerNumber: 'L2000002' })
    for (const [email, number, proof] of [
      ['falsch@example.com', 'L2000001', 'ABCD-EFGH-JKMN'],
      ['fremd@example.com', 'L2000002', code],
    ]) {
      const { response } = await register({
        email,
        customer_number: number,
        terminal_id: proof,
      })
      assert.equal(response.location, '/register/sent', email)
    }

    const ok = await register({
      email: 'inhaber@example.com',
      customer_number: 'L2000001',
      terminal_id: code.toLowerCase().replaceAll('-', ' '),
    })
    assert.equal(ok.response.location, '/register/sent')
    const link = linkIn(await mailTo('inhaber@example.com', 'bestätigen'), '/verify-email/')
    assert.equal((await confirmLink(new Agent(), pathOf(link))).status, 200)
    const owner = await db
      .from('customer_user')
      .join('users', 'users.id', 'customer_user.user_id')
      .where('customer_user.customer_id', customer.id)
      .select('users.email', 'customer_user.role', 'customer_user.proven_by')
    assert.deepEqual(owner, [
      { email: 'inhaber@example.com', role: 'owner', proven_by: 'activation_code' },
    ])
    assert.isNotNull((await db.from('activation_codes').first()).used_at)

    /* used up: the same code again is the neutral answer without a link */
    const reused = await register({
      email: 'zweiter@example.com',
      customer_number: 'L2000001',
      terminal_id: code,
    })
    assert.equal(reused.response.location, '/register/sent')
    await mailsSettled()
    for (const email of ['falsch@example.com', 'fremd@example.com', 'zweiter@example.com']) {
      assert.lengthOf(verifyMails(email), 0, email)
    }
    assert.lengthOf(await db.from('users').where('email', 'zweiter@example.com'), 0)
  })

  test('„Kundennummer hinzufügen“ takes a fresh code; an expired one proves nothing', async ({
    assert,
  }) => {
    const merchant = await createMerchant({ email: 'haendler@example.com' })
    const { customer } = await createCustomer({ customerNumber: 'L3000001' })
    const agent = new Agent()
    await loginAs(agent, merchant.user.email, DEFAULT_PASSWORD)
    assert.include((await agent.get('/account')).text, 'Aktivierungscode')

    const expired = (await generate(['--customer', 'L3000001'])).rows[0].code
    await db
      .from('activation_codes')
      .update({ expires_at: DateTime.now().minus({ minutes: 1 }).toSQL({ includeOffset: false }) })
    const refused = await agent.post(
      '/account/customers',
      { customer_number: 'L3000001', terminal_id: expired },
      { csrfFrom: '/account' }
    )
    assert.include((await agent.follow(refused)).text, 'passen nicht zusammen')

    const fresh = (await generate(['--customer', 'L3000001'])).rows[0].code
    const added = await agent.post(
      '/account/customers',
      { customer_number: 'L3000001', terminal_id: fresh },
      { csrfFrom: '/account' }
    )
    assert.equal(added.status, 302)
    const link = await db
      .from('customer_user')
      .where({ user_id: merchant.user.id, customer_id: customer.id })
      .first()
    assert.equal(link.role, 'owner')
    assert.equal(link.proven_by, 'activation_code')
    assert.isNull(link.proof_terminal_id)
  })
})

test.group('Registration: the role is decided at confirmation', (group) => {
  group.each.setup(async () => {
    await resetState()
    smtpSink.clear()
  })

  test('two unconfirmed registrants: the first to confirm owns, the other gets a request', async ({
    assert,
  }) => {
    const { customer, terminals } = await createCustomer({
      customerNumber: 'L4000001',
      companyName: 'Zuerst GmbH',
    })
    await addTransactions(terminals[0], [{ receiptNumber: 'FIRST-TX-1' }])
    const fields = { customer_number: 'L4000001', terminal_id: terminals[0].terminalId }
    await register({ email: 'frueh@example.com', ...fields })
    await register({ email: 'spaet@example.com', ...fields })
    const earlyLink = linkIn(await mailTo('frueh@example.com', 'bestätigen'), '/verify-email/')
    const lateLink = linkIn(await mailTo('spaet@example.com', 'bestätigen'), '/verify-email/')

    /* the later registrant confirms first: they become the owner */
    assert.equal((await confirmLink(new Agent(), pathOf(lateLink))).status, 200)
    assert.equal((await confirmLink(new Agent(), pathOf(earlyLink))).status, 200)

    const links = await db
      .from('customer_user')
      .join('users', 'users.id', 'customer_user.user_id')
      .where('customer_user.customer_id', customer.id)
      .select('users.email', 'customer_user.role')
    assert.deepEqual(links, [{ email: 'spaet@example.com', role: 'owner' }])
    const request = await db
      .from('access_requests')
      .join('users', 'users.id', 'access_requests.user_id')
      .where('access_requests.customer_id', customer.id)
      .select('users.email', 'access_requests.status')
    assert.deepEqual(request, [{ email: 'frueh@example.com', status: 'pending' }])

    /* the owner is asked by mail; the other sees nothing of the customer */
    const notice = await mailTo('spaet@example.com', 'Zugriffsanfrage')
    assert.include(notice.parsed.text ?? '', 'frueh@example.com')
    const other = new Agent()
    await loginAs(other, 'frueh@example.com', DEFAULT_PASSWORD)
    for (const path of ['/', '/transactions']) {
      const page = await other.get(path)
      assert.notInclude(page.text, 'FIRST-TX-1', path)
      assert.notInclude(page.text, 'Zuerst GmbH', path)
    }
    const owner = new Agent()
    await loginAs(owner, 'spaet@example.com', DEFAULT_PASSWORD)
    assert.include((await owner.get('/transactions')).text, 'FIRST-TX-1')
    assert.include((await owner.get('/account/users')).text, 'frueh@example.com')
  })
})
